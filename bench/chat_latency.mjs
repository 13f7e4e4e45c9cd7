// The time from a model provider's first token to the first SSE byte a
// client of POST /api/chat receives (issue 6's target: median under 1 ms).
//
// One node process plays both ends so both stamps come from one clock: a
// minimal OpenAI-compatible provider that stamps the moment it writes the
// first text chunk, and the client that stamps the moment the `text` event
// of that chunk arrives. Between them: the provider's socket, libcurl, the
// stream decoder, the agent loop, the task's queue, libmicrohttpd's resume
// and the client's socket.
//
//   node bench/chat_latency.mjs [--turns 200] [--kith build/kith]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const TURNS = Number(opt('turns', 200));
const KITH = opt('kith', process.env.KITH_BIN || 'build/kith');

// The provider: headers at once, the first token 5 ms later (stamped), the
// end 20 ms after that.
let firstTokenAt = 0;
const provider = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const chunk = (delta, finish) => `data: ${JSON.stringify({
      id: 'chatcmpl-b', object: 'chat.completion.chunk', created: 1, model: 'bench',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
    setTimeout(() => {
      firstTokenAt = performance.now();
      res.write(chunk({ role: 'assistant', content: 'Hello' }, null));
      setTimeout(() => {
        res.write(chunk({ content: ' there.' }, null));
        res.write(chunk({}, 'stop'));
        res.end('data: [DONE]\n\n');
      }, 20);
    }, 5);
  });
});
await new Promise((r) => provider.listen(0, '127.0.0.1', r));
const ppart = provider.address().port;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-chat-latency-'));
const init = spawnSync(KITH, ['init', '--workspace', dir], { encoding: 'utf8' });
if (init.status !== 0) throw new Error(init.stderr);
const token = fs.readFileSync(path.join(dir, 'token'), 'utf8').trim();
const port = await new Promise((r) => {
  const s = http.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const server = spawn(KITH, ['serve', '--quiet', '--workspace', dir, '--port', String(port)], {
  env: {
    PATH: process.env.PATH, HOME: dir, KITH_MODEL: 'openai/bench',
    OPENAI_BASE_URL: `http://127.0.0.1:${ppart}/v1`, OPENAI_API_KEY: 'bench',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((r) => server.stdout.once('data', r));

// One turn: resolves with the latency of its first text event (ms).
function turn() {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ message: 'hi' });
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: '/api/chat', agent: false,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let got = '';
      let at = 0;
      res.on('data', (d) => {
        if (!at) {
          got += d;
          if (got.includes('event: text')) at = performance.now();
        }
      });
      res.on('end', () => (at ? resolve(at - firstTokenAt)
        : reject(new Error(`no text event (${res.statusCode}): ${got}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

for (let i = 0; i < 10; i++) await turn(); // warm up
const ms = [];
for (let i = 0; i < TURNS; i++) ms.push(await turn());
ms.sort((a, b) => a - b);
const q = (f) => ms[Math.min(ms.length - 1, Math.floor(f * ms.length))];
server.kill('SIGTERM');
provider.close();
await new Promise((r) => server.once('exit', r));
fs.rmSync(dir, { recursive: true, force: true });
const res = { turns: TURNS, median_ms: +q(0.5).toFixed(3), p90_ms: +q(0.9).toFixed(3),
  p99_ms: +q(0.99).toFixed(3), max_ms: +ms[ms.length - 1].toFixed(3) };
console.log(`first token -> first SSE byte over ${TURNS} turns: median ${res.median_ms} ms, ` +
  `p90 ${res.p90_ms} ms, p99 ${res.p99_ms} ms, max ${res.max_ms} ms ` +
  `(target: median under 1 ms: ${res.median_ms < 1 ? 'met' : 'MISSED'})`);
console.log(JSON.stringify({ bench: 'chat_latency', ...res }));
