// A fake OpenAI-compatible server (the daemon's "generic" provider) speaking the real wire format:
// GET /v1/models, and POST /v1/chat/completions as SSE chunks with a pause between them so a
// browser can watch the answer stream in. Spec files add rules (provider.rule(...)): a user message
// matching a rule's pattern gets that rule's tool call (when the daemon offered the tool) and, after
// the tool's result, the rule's answer; or just the rule's words. Built in: "write a note" calls
// write_file (which needs the owner's approval), then says "The note is written."
import { createServer } from 'node:http';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const chunk = (delta, finish = null) => ({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model: 'fake-model',
  choices: [{ index: 0, delta, finish_reason: finish }] });

export async function startFakeProvider() {
  const requests = [];
  /** @type {{ pattern: RegExp, tool?: { name: string, arguments: object }, words: string[] }[]} */
  const rules = [];
  const rule = (pattern, reply) => rules.push({ pattern, tool: reply.tool, words: reply.words ?? [reply.answer ?? 'Done.'] });
  rule(/write a note/i, { tool: { name: 'write_file', arguments: { path: 'note.txt', content: 'from the browser test' } }, answer: 'The note is written.' });
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const part of req) body += part;
    if (req.method === 'GET' && req.url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'test' }] }));
      return;
    }
    const request = JSON.parse(body || '{}');
    requests.push(request);
    const last = request.messages?.at(-1) ?? {};
    const text = typeof last.content === 'string' ? last.content : JSON.stringify(last.content ?? '');
    // The user message this turn answers: the last one, or the one before the tool calls and results.
    const userText = [...(request.messages ?? [])].reverse().find((m) => m.role === 'user')?.content;
    const matched = rules.find((r) => typeof userText === 'string' && r.pattern.test(userText));
    const callTool = matched?.tool && last.role === 'user' && request.tools?.some((t) => t.function.name === matched.tool.name);
    if (request.stream === false) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model: 'fake-model',
        choices: [{ index: 0, message: { role: 'assistant', content: 'OK' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (data) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    if (callTool) {
      const id = `call_${requests.length}`;
      send(chunk({ role: 'assistant', tool_calls: [{ index: 0, id, type: 'function', function: { name: matched.tool.name, arguments: '' } }] }));
      send(chunk({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify(matched.tool.arguments) } }] }));
      send(chunk({}, 'tool_calls'));
    } else {
      const words = matched ? matched.words :
        /reply with the single word ok/i.test(text) ? ['OK'] :
        ['Hello ', 'from the ', '**fake** ', 'model.\n\n', '```js\n', 'const answer = 42;\n', '```\n'];
      for (const word of words) {
        send(chunk({ content: word }));
        await sleep(words.length > 2 ? 150 : 0);
      }
      send(chunk({}, 'stop'));
    }
    send({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model: 'fake-model', choices: [],
      usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 } });
    res.write('data: [DONE]\n\n');
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/v1`, requests, rule, close: () => server.close() };
}
