#!/usr/bin/env node
// OpenMotoko reference channel plugin (protocol 1): a "loopback" chat served on a local HTTP port.
// Messages you POST to it reach the agent as chat messages; what the agent sends back is recorded
// and can be read with GET /sent. Copy it as the start of a plugin for a real chat app: replace the
// HTTP server with that app's client. No dependencies; the protocol is in docs/channel-plugins.md.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const readline = require('readline');

const PROTOCOL = 1;
const sent = []; // what the daemon sent: {messageId, chatId, text, format, buttons, edits}
const typing = {}; // chatId -> how many typing notices arrived
let config = {};
let server = null;
let nextMessage = 1;

function write(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function log(level, message) {
  write({ type: 'log', level, message });
}

// 1. Introduce ourselves: name, version, protocol and the settings we take (secret ones are masked by the daemon).
write({
  type: 'hello',
  protocol: PROTOCOL,
  name: 'Loopback',
  version: '1.0.0',
  configSchema: {
    type: 'object',
    properties: {
      port: { type: 'integer', description: 'HTTP port on 127.0.0.1 (0 or unset: any free port)' },
      portFile: { type: 'string', description: 'A file to write the port into once listening' },
      token: { type: 'string', secret: true, description: 'When set, HTTP callers must send Authorization: Bearer <token>' },
    },
  },
});

// 2. Read the daemon's lines. When our input ends, the daemon is gone: exit.
const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    log('warn', 'ignored a line that is not JSON');
    return;
  }
  handle(message);
});
input.on('close', () => process.exit(0));

function handle(message) {
  switch (message.type) {
    case 'config':
      config = message.config || {};
      listen();
      break;
    case 'send': {
      if (message.chatId === 'unreachable') {
        write({ type: 'ack', replyTo: message.id, ok: false, error: 'no such chat' });
        return;
      }
      const messageId = 'm' + nextMessage++;
      sent.push({ messageId, chatId: message.chatId, text: message.text, format: message.format, buttons: message.buttons || [], edits: 0 });
      write({ type: 'ack', replyTo: message.id, ok: true, messageId });
      break;
    }
    case 'edit': {
      const shown = sent.find((m) => m.messageId === message.messageId && m.chatId === message.chatId);
      if (!shown) {
        write({ type: 'ack', replyTo: message.id, ok: false, error: 'no such message' });
        return;
      }
      shown.text = message.text;
      shown.format = message.format;
      shown.edits++;
      write({ type: 'ack', replyTo: message.id, ok: true, messageId: shown.messageId });
      break;
    }
    case 'typing':
      typing[message.chatId] = (typing[message.chatId] || 0) + 1;
      break;
    default:
      log('debug', `ignored a '${message.type}' line`); // newer daemons may send more; unknown types are skipped
  }
}

function listen() {
  if (server) {
    return;
  }
  server = http.createServer(serve);
  server.listen(Number(config.port) || 0, '127.0.0.1', () => {
    const port = server.address().port;
    if (config.portFile) {
      fs.writeFileSync(config.portFile, String(port));
    }
    process.stderr.write(`loopback: listening on http://127.0.0.1:${port}\n`);
    write({ type: 'status', state: 'running' });
  });
  server.on('error', (error) => write({ type: 'status', state: 'error', error: `cannot listen: ${error.message}` }));
}

function authorized(request) {
  if (!config.token) {
    return true;
  }
  const given = Buffer.from(request.headers.authorization || '');
  const expected = Buffer.from('Bearer ' + config.token);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

function serve(request, response) {
  const reply = (status, body) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  if (!authorized(request)) {
    return reply(401, { error: 'send Authorization: Bearer <token>' });
  }
  const url = new URL(request.url, 'http://127.0.0.1');
  if (request.method === 'GET' && url.pathname === '/sent') {
    const chatId = url.searchParams.get('chatId');
    return reply(200, sent.filter((m) => !chatId || m.chatId === chatId));
  }
  if (request.method === 'GET' && url.pathname === '/typing') {
    return reply(200, typing);
  }
  if (request.method === 'GET' && url.pathname === '/env') {
    return reply(200, process.env); // what the daemon gave us: only PATH, HOME and config.env
  }
  if (request.method === 'POST' && url.pathname === '/crash') {
    reply(202, {});
    return setImmediate(() => process.exit(3));
  }
  let body = '';
  request.on('data', (chunk) => {
    body += chunk;
  });
  request.on('end', () => {
    let json;
    try {
      json = JSON.parse(body || '{}');
    } catch {
      return reply(400, { error: 'the body must be JSON' });
    }
    if (request.method === 'POST' && url.pathname === '/inbound') {
      // {chatId, senderId, senderName?, text, isGroup?, mentioned?}: a message someone wrote in a chat
      const messageId = 'in' + nextMessage++;
      write({ type: 'inbound', messageId, ...json });
      return reply(202, { messageId });
    }
    if (request.method === 'POST' && url.pathname === '/callback') {
      // {chatId, senderId, data}: someone pressed a button the daemon sent
      write({ type: 'callback', ...json });
      return reply(202, {});
    }
    if (request.method === 'POST' && url.pathname === '/emit') {
      // {line}: writes a raw protocol line, to try what the daemon does with it
      process.stdout.write(String(json.line) + '\n');
      return reply(202, {});
    }
    return reply(404, { error: 'POST /inbound, /callback, /emit, /crash; GET /sent, /typing, /env' });
  });
}
