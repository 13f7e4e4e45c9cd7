/*
 * llm: the provider table and the small facts about providers and
 * targets. The call itself is in call.c, configuration in resolve.c.
 */
#include "llm/llm_int.h"

#include <stdlib.h>
#include <string.h>

static const struct llm_provider *const providers[] = {
    &llm_openai,
    &llm_anthropic,
    &llm_ollama,
};
#define NPROVIDERS (sizeof(providers) / sizeof(*providers))

const struct llm_provider *llm_provider_of(enum llm_wire wire)
{
    for (size_t i = 0; i < NPROVIDERS; i++)
        if (providers[i]->wire == wire)
            return providers[i];
    return providers[0];
}

int llm_wire_of(const char *provider, enum llm_wire *out,
                struct kith_err *err)
{
    for (size_t i = 0; i < NPROVIDERS; i++)
        if (provider && !strcmp(providers[i]->name, provider)) {
            *out = providers[i]->wire;
            return KITH_OK;
        }
    return kith_errf(err, KITH_EINVAL,
                     "unknown provider '%s': use openai (also for any "
                     "OpenAI-compatible server), anthropic or ollama",
                     provider ? provider : "");
}

const char *llm_default_base_url(enum llm_wire wire)
{
    return llm_provider_of(wire)->default_base;
}

void llm_target_release(struct llm_target *t)
{
    if (!t)
        return;
    free(t->provider);
    free(t->model);
    free(t->base_url);
    free(t->api_key);
    memset(t, 0, sizeof(*t));
}
