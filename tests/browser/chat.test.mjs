// The chat panel in a real browser against a real kith serve and the
// scripted fake provider (tests/fakes/fake_provider.mjs, OpenAI's wire):
// markdown rendering (and hostile input doing nothing), the SSE parser,
// a chat with a tool call (card, entry link, the table beside refreshed),
// an approved deletion undone, a denied one, reopening a conversation, the
// model picker, Stop, a provider error inside the stream and an HTTP
// error that keeps the typed text. Each test saves a screenshot.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeProvider } from '../fakes/fake_provider.mjs';
import { api, port } from '../e2e/harness.mjs';
import { openApp, screenshot } from './browser.mjs';

let fake, fakeBase, browser, page, problems;

// The harness's before() may still be starting kith serve: wait for it.
async function serverUp() {
  for (let i = 0; i < 400; i++) {
    if (port && (await api('GET', '/api/health').catch(() => null))?.status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('kith serve did not come up');
}

before(async () => {
  await serverUp();
  fake = await startFakeProvider(0);
  fakeBase = `http://127.0.0.1:${fake.address().port}`;
  const r = await api('PATCH', '/api/settings', {
    body: {
      model: 'openai/agent-create',
      providers: { openai: { base_url: `${fakeBase}/v1`, api_key: 'sk-browser-test' } },
      agent: { approval: 'destructive' },
    },
  });
  assert.equal(r.status, 200, r.text);
  ({ browser, page, problems } = await openApp());
});

after(async () => {
  await browser?.close();
  fake?.closeAllConnections();
  fake?.close();
});

const useModel = async (model) => {
  const r = await api('PATCH', '/api/settings', { body: { model } });
  assert.equal(r.status, 200, r.text);
};
const chat = () => page.locator('#chat');
const lastTurn = () => chat().locator('.turn').last();

async function send(message) {
  const box = chat().getByLabel('Message');
  await box.fill(message);
  await box.press('Enter');
}

async function newConversation() {
  await chat().getByRole('button', { name: 'New conversation' }).click();
  await chat().locator('.chat-empty').waitFor();
}

test('markdown: known inputs render as the right DOM, streaming text sensibly', async () => {
  const out = await page.evaluate(async () => {
    const { renderMarkdown } = await import('/assets/markdown.js');
    const html = (md) => {
      const d = document.createElement('div');
      d.append(renderMarkdown(md));
      return d;
    };
    const doc = html([
      '# Deals', 'Some **bold**, *italic*, `code` and a [link](https://example.com/x).',
      '', '- one', '- two', '  - nested', '', '1. first', '2. second', '',
      '> quoted', '', '| Name | Amount |', '|:--|--:|', '| Acme | 1,200 |', '', '---',
      '```sql', 'SELECT 1 < 2;', '```', 'See [the deal](#/e/deals/3).'].join('\n'));
    const streaming = html('Partial **bold text\n```js\nconst a = 1;');
    doc.className = 'markdown md-sample'; // shown for the screenshot, removed below
    document.querySelector('#screen').replaceChildren(doc);
    return {
      h1: doc.querySelector('h1')?.textContent,
      strong: doc.querySelector('p strong')?.textContent,
      em: doc.querySelector('p em')?.textContent,
      code: doc.querySelector('p code')?.textContent,
      link: [doc.querySelector('a')?.getAttribute('href'), doc.querySelector('a')?.rel, doc.querySelector('a')?.textContent],
      bullets: [...doc.querySelectorAll(':scope > ul > li')].map((li) => li.firstChild.textContent),
      nested: doc.querySelector('ul > li > ul > li')?.textContent,
      numbered: [...doc.querySelectorAll(':scope > ol > li')].map((li) => li.textContent),
      quote: doc.querySelector('blockquote p')?.textContent,
      table: [...doc.querySelectorAll('table tr')].map((tr) => [...tr.children].map((c) => `${c.tagName}:${c.textContent}:${c.style.textAlign}`)),
      hr: doc.querySelectorAll('hr').length,
      pre: [doc.querySelector('pre code')?.className, doc.querySelector('pre code')?.textContent],
      hashLink: doc.querySelectorAll('a')[1]?.getAttribute('href'),
      streamingBold: streaming.querySelector('p strong')?.textContent,
      streamingCode: streaming.querySelector('pre code')?.textContent,
    };
  });
  assert.equal(out.h1, 'Deals');
  assert.equal(out.strong, 'bold');
  assert.equal(out.em, 'italic');
  assert.equal(out.code, 'code');
  assert.deepEqual(out.link, ['https://example.com/x', 'noopener noreferrer', 'link']);
  assert.deepEqual(out.bullets, ['one', 'two']);
  assert.equal(out.nested, 'nested');
  assert.deepEqual(out.numbered, ['first', 'second']);
  assert.equal(out.quote, 'quoted');
  assert.deepEqual(out.table, [['TH:Name:left', 'TH:Amount:right'], ['TD:Acme:left', 'TD:1,200:right']]);
  assert.equal(out.hr, 1);
  assert.deepEqual(out.pre, ['language-sql', 'SELECT 1 < 2;']);
  assert.equal(out.hashLink, '#/e/deals/3');
  assert.equal(out.streamingBold, 'bold text');
  assert.equal(out.streamingCode, 'const a = 1;');
  await screenshot(page, 'chat-markdown');
  await page.evaluate(() => document.querySelector('.md-sample').remove());
});

test('markdown: hostile input stays text and runs nothing', async () => {
  const out = await page.evaluate(async () => {
    const { renderMarkdown } = await import('/assets/markdown.js');
    window.pwned = 0;
    const d = document.createElement('div');
    d.id = 'hostile';
    d.append(renderMarkdown([
      '<script>window.pwned = 1</script>',
      '<img src=x onerror="window.pwned = 2">',
      '[click](javascript:window.pwned=3) [data](data:text/html,<b>x</b>) [vb](  JaVaScRiPt:alert(1))',
      '**<svg onload="window.pwned=4">**', '```html', '<img src=x onerror="window.pwned=5">', '```',
      '| <b onmouseover="window.pwned=6">x</b> |', '|---|', '| y |'].join('\n')));
    document.body.append(d);
    for (const s of d.querySelectorAll('span')) s.click();
    await new Promise((r) => setTimeout(r, 50)); // give a rogue onerror its chance
    const result = {
      pwned: window.pwned,
      elements: [...d.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()),
      attributes: [...d.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name)),
      hrefs: [...d.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      text: d.textContent,
    };
    d.remove();
    return result;
  });
  assert.equal(out.pwned, 0);
  for (const tag of ['script', 'img', 'svg', 'b', 'iframe']) assert.ok(!out.elements.includes(tag), `${tag} in ${out.elements}`);
  assert.deepEqual(out.hrefs, [], 'no javascript: or data: link');
  assert.ok(out.attributes.every((a) => ['class', 'style', 'data-lang', 'scope'].includes(a)), out.attributes.join());
  assert.match(out.text, /<script>window\.pwned = 1<\/script>/);
  assert.match(out.text, /onerror="window\.pwned=5"/);
});

test('the SSE parser: events torn anywhere, CRLF split, multi-line data, comments', async () => {
  const events = await page.evaluate(async () => {
    const { sseParser } = await import('/assets/sse.js');
    const got = [];
    const feed = sseParser((name, data) => got.push([name, data]));
    const stream = ': ping\r\nevent: text\r\ndata: {"text":"Zo\u00eb"}\r\n\r\nevent: tool_call\ndata: line one\ndata: line two\n\n' +
      'data: no name\r\rev';
    for (const piece of [stream.slice(0, 3), stream.slice(3, 17), stream.slice(17, 40), stream.slice(40, 41),
      stream.slice(41, 42), stream.slice(42, 90), stream.slice(90)]) feed(piece);
    feed('ent: done\ndata: {}\n');
    feed('\n');
    return got;
  });
  assert.deepEqual(events, [
    ['text', '{"text":"Zoë"}'], ['tool_call', 'line one\nline two'], ['message', 'no name'], ['done', '{}']]);
});

test('chat with a tool call: the reply streams in, the card, the entry, the table beside and the link', async () => {
  await useModel('openai/agent-create');
  await page.evaluate(() => { location.hash = '#/o/people'; });
  await page.locator('#filter').fill('name = "Grace Hopper"');
  await page.locator('#total', { hasText: /^0 entries$/ }).waitFor();
  await page.locator('#chat-toggle').click();
  await chat().getByLabel('Message').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Message'); // focus goes to the box
  await send('Add Grace Hopper, grace@navy.mil');

  await lastTurn().locator('.msg-text', { hasText: 'Created Grace Hopper.' }).waitFor();
  assert.equal(await lastTurn().locator('.msg-user').textContent(), 'Add Grace Hopper, grace@navy.mil');
  const card = lastTurn().locator('.tool-card[data-tool="create_entry"]');
  assert.equal(await card.locator('details').getAttribute('open'), null, 'collapsed by default');
  assert.equal(await card.locator('summary .tool-name').textContent(), 'create_entry');
  assert.equal(await card.locator('.tool-state').textContent(), 'done');
  await card.locator('summary').click();
  assert.deepEqual(JSON.parse(await card.locator('.tool-args').textContent()),
    { object: 'people', values: { name: 'Grace Hopper', email: 'grace@navy.mil' } });
  const result = JSON.parse(await card.locator('.tool-result').textContent());

  const found = await api('GET', `/api/objects/people/entries?where=${encodeURIComponent('name = "Grace Hopper"')}`);
  assert.equal(found.json.entries.length, 1, found.text);
  const grace = found.json.entries[0];
  assert.equal(grace.email, 'grace@navy.mil');
  assert.equal(result.created.id, grace.id);

  // the table beside shows her without a reload
  await page.locator('#total', { hasText: /^1 entry$/ }).waitFor();
  await page.locator('#spacer .row', { hasText: 'Grace Hopper' }).waitFor();

  // the card and the reply link to her page
  const href = `#/e/people/${grace.id}`;
  assert.equal(await card.locator('.tool-entries a').getAttribute('href'), href);
  const mention = lastTurn().locator('.msg-text a.entry-link');
  assert.equal(await mention.textContent(), 'Grace Hopper');
  assert.equal(await mention.getAttribute('href'), href);
  assert.ok(await lastTurn().locator('.undo-turn').isVisible(), 'a turn that changed data can be undone');
  await screenshot(page, 'chat-tool-call');
  await mention.click();
  await page.waitForURL((u) => u.hash === href);
  await page.locator('#screen[data-screen="entry"]').waitFor();
  await page.locator('#screen h1', { hasText: 'Grace Hopper' }).waitFor();
  await screenshot(page, 'chat-entry-link');
});

test('approve a deletion and undo the turn', async () => {
  await useModel('openai/agent-delete');
  assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 200);
  await newConversation();
  await send('Delete person 1');
  const card = lastTurn().locator('.tool-card[data-tool="delete_entry"]');
  const approve = card.getByRole('button', { name: 'Approve' });
  await approve.waitFor();
  assert.equal(await card.locator('.tool-state').textContent(), 'waiting for approval');
  assert.ok(await card.getByRole('button', { name: 'Deny' }).isVisible());
  await screenshot(page, 'chat-approval');
  await approve.focus(); // keyboard: focus and Enter
  await page.keyboard.press('Enter');
  await card.locator('.approval-outcome', { hasText: 'Approved.' }).waitFor();
  await lastTurn().locator('.msg-text', { hasText: 'Deleted.' }).waitFor();
  assert.equal(await card.locator('.tool-state').textContent(), 'done');
  assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 404, 'deleted');

  const undo = lastTurn().getByRole('button', { name: 'Undo this turn' });
  await undo.click();
  await lastTurn().locator('.undo-status', { hasText: /^Undone \(change group #\d+\)\.$/ }).waitFor();
  assert.equal(await undo.count(), 0, 'the button is gone once undone');
  assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 200, 'back after the undo');
  await screenshot(page, 'chat-undone');
});

test('deny a deletion: the entry stays, the card is marked as an error', async () => {
  await newConversation();
  await send('Delete person 1');
  const card = lastTurn().locator('.tool-card[data-tool="delete_entry"]');
  await card.getByRole('button', { name: 'Deny' }).click();
  await card.locator('.approval-outcome', { hasText: 'Denied.' }).waitFor();
  await lastTurn().locator('.msg-text', { hasText: /^Not deleted: / }).waitFor();
  assert.match(await card.getAttribute('class'), /\bis-error\b/);
  assert.equal(await card.locator('.tool-state').textContent(), 'error');
  assert.equal(await card.getByRole('button').count(), 0, 'the buttons are gone');
  assert.equal(await lastTurn().locator('.undo-turn').count(), 0, 'nothing changed, nothing to undo');
  assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 200, 'still there');
  await screenshot(page, 'chat-denied');
});

test('the conversation list reopens an old conversation with its tool cards', async () => {
  const listed = (await api('GET', '/api/conversations')).json.conversations;
  const grace = listed.find((c) => c.title.startsWith('Add Grace Hopper'));
  assert.ok(grace, JSON.stringify(listed));
  await chat().getByRole('button', { name: 'Conversations' }).click();
  const items = chat().locator('.chat-list-item');
  await items.first().waitFor();
  assert.equal(await items.count(), listed.length);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), String(listed[0].id));
  for (let i = 0; i < listed.indexOf(grace); i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.id), String(grace.id));
  await screenshot(page, 'chat-conversations');
  await page.keyboard.press('Enter');
  await chat().locator('.chat-list').waitFor({ state: 'hidden' });
  const turn = lastTurn();
  await turn.locator('.msg-user', { hasText: 'Add Grace Hopper, grace@navy.mil' }).waitFor();
  assert.equal(await chat().locator('.turn').count(), 1);
  const card = turn.locator('.tool-card[data-tool="create_entry"]');
  assert.equal(await card.locator('.tool-state').textContent(), 'done');
  assert.match(await card.locator('.tool-result').textContent(), /"Grace Hopper"/);
  assert.equal(await turn.locator('.msg-text').textContent(), 'Created Grace Hopper.');
  assert.match(await turn.locator('.msg-text a.entry-link').getAttribute('href'), /^#\/e\/people\/\d+$/);
  assert.ok(await turn.locator('.undo-turn').isVisible());

  // a message goes on in the reopened conversation
  await useModel('openai/agent-parallel');
  await send('List objects and search Acme');
  await lastTurn().locator('.msg-text', { hasText: 'Both done.' }).waitFor();
  assert.equal(await chat().locator('.turn').count(), 2);
  const after = (await api('GET', `/api/conversations/${grace.id}`)).json;
  assert.deepEqual(after.turns.map((t) => t.n), [1, 2]);
  await screenshot(page, 'chat-reopened');
});

test('the model picker shows the model in use and changes it', async () => {
  await useModel('openai/gpt-fake-mini');
  await page.reload();
  const select = chat().getByLabel('Model');
  await select.waitFor();
  await page.waitForFunction(() => document.querySelector('#chat-model')?.value === 'openai/gpt-fake-mini');
  const values = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(values, ['openai/gpt-fake-mini', 'openai/text', 'openai/tool']);
  await select.selectOption('openai/text');
  await page.waitForFunction(async () => (await (await fetch('/api/settings')).json()).model === 'openai/text');
  assert.equal((await api('GET', '/api/settings')).json.model, 'openai/text');
  await newConversation();
  await send('Say hello');
  await lastTurn().locator('.msg-text', { hasText: 'Hello, Zoë! 5 € — streaming works.' }).waitFor();
  await screenshot(page, 'chat-model-picker');
});

test('Stop aborts a streaming reply; the panel can send again', async () => {
  await useModel('openai/agent-slow');
  await newConversation();
  await send('Talk slowly');
  await lastTurn().locator('.msg-text', { hasText: 'tick 1.' }).waitFor();
  const stop = chat().getByRole('button', { name: 'Stop' });
  assert.ok(await stop.isVisible());
  await stop.click();
  await lastTurn().locator('.turn-note', { hasText: 'Stopped.' }).waitFor();
  assert.ok(await stop.isHidden());
  assert.equal(await chat().getByRole('button', { name: 'Send' }).isEnabled(), true);
  const ticks = await lastTurn().locator('.msg-text').textContent();
  assert.ok(!ticks.includes('tick 40.'), 'stopped well before the end');
});

test('Escape stops a turn that waits for approval: nothing is deleted, the buttons go', async () => {
  await useModel('openai/agent-delete');
  await newConversation();
  await send('Delete person 1');
  const card = lastTurn().locator('.tool-card[data-tool="delete_entry"]');
  await card.getByRole('button', { name: 'Approve' }).waitFor();
  await page.keyboard.press('Escape'); // focus is in the message box
  await lastTurn().locator('.turn-note', { hasText: 'Stopped.' }).waitFor();
  assert.equal(await card.locator('.approval-outcome').textContent(), 'Not answered: the turn ended.');
  assert.equal(await card.getByRole('button').count(), 0);
  assert.equal((await api('GET', '/api/objects/people/entries/1')).status, 200, 'not deleted');
});

test('a provider error in the middle of the stream is shown in the conversation', async () => {
  await useModel('openai/agent-midfail');
  await newConversation();
  await send('Say something');
  const err = lastTurn().locator('.turn-error');
  await err.waitFor();
  assert.equal(await err.getAttribute('role'), 'alert');
  assert.match(await err.textContent(), /openai: .{5,}/);
  assert.ok((await lastTurn().locator('.msg-text').textContent()).length > 0, 'the text before the error stays');
  assert.equal(await chat().getByLabel('Message').inputValue(), '', 'it was sent');
  await screenshot(page, 'chat-midstream-error');
});

test('no working model: the provider\'s error is shown and the typed text kept', async () => {
  const r = await api('PATCH', '/api/settings', {
    body: { model: 'openai/text', providers: { openai: { base_url: 'http://127.0.0.1:1/v1' } } },
  });
  assert.equal(r.status, 200, r.text);
  await page.reload();
  const modelError = chat().locator('.chat-model-error');
  await modelError.filter({ hasText: /127\.0\.0\.1:1/ }).waitFor();
  assert.equal(await chat().getByRole('link', { name: 'Open Settings' }).getAttribute('href'), '#/settings');
  await send('Is anyone there?');
  const err = lastTurn().locator('.turn-error');
  await err.waitFor();
  assert.match(await err.textContent(), /127\.0\.0\.1:1/);
  assert.equal(await chat().getByLabel('Message').inputValue(), 'Is anyone there?');
  await screenshot(page, 'chat-no-model');
  const back = await api('PATCH', '/api/settings', { body: { providers: { openai: { base_url: `${fakeBase}/v1` } } } });
  assert.equal(back.status, 200, back.text);
});

test('dark theme, and no CSP violation or page error', async () => {
  await page.reload();
  await chat().locator('.chat-empty').waitFor();
  await useModel('openai/agent-create');
  await send('Add Grace Hopper, grace@navy.mil');
  await lastTurn().locator('.msg-text', { hasText: 'Created Grace Hopper.' }).waitFor();
  // the model was changed behind the picker's back: the turn brings it up to date
  await page.waitForFunction(() => document.querySelector('#chat-model').value === 'openai/agent-create');
  await page.emulateMedia({ colorScheme: 'dark' });
  await lastTurn().locator('.tool-card summary').click();
  await screenshot(page, 'chat-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(problems, []);
});
