// Drives the daemon's OpenAI-compatible /v1 endpoint with the official openai SDK.
// It starts a fake OpenAI upstream (real HTTP, OpenAI's SSE framing) and the real daemon binary
// pointed at it, logs in, then uses the SDK exactly as any OpenAI client would.
// Usage: node openai-compat.mjs <openmotoko binary> | <command...>, e.g. dist/openmotoko or
//        dotnet src/OpenMotoko/bin/Debug/net10.0/openmotoko.dll
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const [binary, ...binaryArgs] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node openai-compat.mjs <openmotoko binary | command...>');
  process.exit(2);
}

const upstreamRequests = [];

function chunk(delta, finish = null) {
  return { id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini',
    choices: [{ index: 0, delta, finish_reason: finish }] };
}

// A fake OpenAI: the user's last message decides the answer, so each SDK call is checked exactly.
const upstream = createServer(async (req, res) => {
  let body = '';
  for await (const part of req) body += part;
  const request = JSON.parse(body);
  upstreamRequests.push({ path: req.url, auth: req.headers.authorization, body: request });
  const last = request.messages.at(-1);
  const wantsTool = request.tools?.length && last.role === 'user';
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (data) => res.write(`data: ${JSON.stringify(data)}\n\n`);
  if (wantsTool) {
    send(chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: request.tools[0].function.name, arguments: '' } }] }));
    send(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
    send(chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }, null));
    send(chunk({}, 'tool_calls'));
  } else {
    for (const word of ['Hello', ' from', ' upstream']) send(chunk({ content: word }));
    send(chunk({}, 'stop'));
  }
  send({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } });
  res.write('data: [DONE]\n\n');
  res.end();
});
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${upstream.address().port}/v1`;

const dataDir = mkdtempSync(join(tmpdir(), 'openmotoko-sdk-'));
const password = 'sdk-test-password';
const daemon = spawn(binary, [...binaryArgs, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], {
  env: { ...process.env, OPENMOTOKO_PASSWORD: password, OPENAI_API_KEY: 'sk-upstream-test-key-0000',
    OPENAI_BASE_URL: upstreamUrl, OPENMOTOKO_LOG_LEVEL: 'Information' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
const daemonUrl = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`daemon did not start:\n${log}`)), 15000);
  const onData = (data) => {
    log += data;
    const match = /listening on (http:\/\/[0-9.:]+)/.exec(log);
    if (match) { clearTimeout(timer); resolve(match[1]); }
  };
  daemon.stdout.on('data', onData);
  daemon.stderr.on('data', onData);
  daemon.on('exit', (code) => reject(new Error(`daemon exited with ${code}:\n${log}`)));
});

let failed = 0;
let passed = 0;
async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok   ${name}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error.stack ?? error}`);
  }
}

try {
  const login = await fetch(`${daemonUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }),
  });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  const client = new OpenAI({ apiKey: token, baseURL: `${daemonUrl}/v1`, maxRetries: 0 });

  await check('models.list names models by provider/model', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.ok(ids.includes('openai/gpt-4o-mini'), `got ${ids.slice(0, 10).join(', ')}`);
  });

  await check('chat.completions.create without streaming', async () => {
    const completion = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.equal(completion.choices[0].message.content, 'Hello from upstream');
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.equal(completion.usage.prompt_tokens, 11);
    assert.equal(completion.usage.completion_tokens, 7);
    const sent = upstreamRequests.at(-1);
    assert.equal(sent.auth, 'Bearer sk-upstream-test-key-0000');
    assert.equal(sent.body.model, 'gpt-4o-mini');
  });

  await check('chat.completions.create with stream: true yields deltas', async () => {
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }],
    });
    const parts = [];
    let finish = null;
    let usage = null;
    for await (const event of stream) {
      if (event.choices[0]?.delta?.content) parts.push(event.choices[0].delta.content);
      if (event.choices[0]?.finish_reason) finish = event.choices[0].finish_reason;
      if (event.usage) usage = event.usage;
    }
    assert.ok(parts.length >= 2, `expected several deltas, got ${JSON.stringify(parts)}`);
    assert.equal(parts.join(''), 'Hello from upstream');
    assert.equal(finish, 'stop');
    assert.equal(usage?.completion_tokens, 7);
    assert.equal(upstreamRequests.at(-1).body.messages[0].content, 'Be brief.');
  });

  await check('tools are passed through and tool calls come back to the client', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const completion = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini', tools, messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    const call = completion.choices[0].message.tool_calls?.[0];
    assert.equal(completion.choices[0].finish_reason, 'tool_calls');
    assert.equal(call?.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Oslo' });
    assert.equal(upstreamRequests.at(-1).body.tools[0].function.name, 'get_weather');

    const followUp = await client.chat.completions.create({
      model: 'openai/gpt-4o-mini', tools,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }, completion.choices[0].message,
        { role: 'tool', tool_call_id: call.id, content: '{"temp": 3}' }],
    });
    assert.equal(followUp.choices[0].message.content, 'Hello from upstream');
    const replayed = upstreamRequests.at(-1).body.messages;
    assert.equal(replayed.at(-1).role, 'tool');
    assert.equal(replayed.at(-1).tool_call_id, call.id);
  });

  await check('a bad token is refused in OpenAI\'s error shape', async () => {
    const stranger = new OpenAI({ apiKey: 'not-a-session', baseURL: `${daemonUrl}/v1`, maxRetries: 0 });
    await assert.rejects(() => stranger.chat.completions.create({
      model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    (error) => error.status === 401 && typeof error.error?.message === 'string');
  });

  await check('an unknown provider is a 400 invalid_request_error', async () => {
    await assert.rejects(() => client.chat.completions.create({
      model: 'nosuch/model', messages: [{ role: 'user', content: 'hi' }] }),
    (error) => error.status === 400 && error.type === 'invalid_request_error');
  });
} finally {
  daemon.kill('SIGTERM');
  await new Promise((resolve) => daemon.once('exit', resolve));
  upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
}

console.log(`openai sdk: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
