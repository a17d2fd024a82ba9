// The stay page's chat with the hotel: the Loopon guest chat socket (one JSON LooponEvent per
// line), photos through the upload endpoint, images through the server's image proxy. Every text
// from the guest or the staff goes into the page with textContent, never as markup.

const root = document.getElementById('chat');
if (root) start(root);

function start(root) {
  const texts = JSON.parse(root.dataset.texts || '{}');
  const log = document.getElementById('chat-log');
  const status = document.getElementById('chat-status');
  const typingLine = document.getElementById('chat-typing');
  const form = document.getElementById('chat-form');
  const input = document.getElementById('chat-text');
  const photo = document.getElementById('chat-photo');
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));

  /** Messages on the page by id (the server's), and those sent but not echoed yet by localId. */
  const shown = new Map();
  const pending = new Map();
  for (const li of log.querySelectorAll('li[data-id]')) shown.set(li.dataset.id, li);

  const deviceId = (() => {
    try {
      let id = localStorage.getItem('openstay-chat-device');
      if (!id) {
        id = `web-${crypto.randomUUID()}`;
        localStorage.setItem('openstay-chat-device', id);
      }
      return id;
    } catch {
      return `web-${crypto.randomUUID()}`;
    }
  })();

  function plain(message) {
    if (message.contentType !== 'text/html') return message.content ?? '';
    // Parsed as an inert document (no script runs, nothing loads), read as text.
    return new DOMParser().parseFromString(message.content ?? '', 'text/html').body.textContent ?? '';
  }

  function bubble(message) {
    const li = document.createElement('li');
    const guest = message.author !== 'hotel';
    li.className = `msg ${guest ? 'guest' : 'hotel'}`;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = guest ? texts.you : message.authorName || texts.hotel;
    const body = document.createElement('div');
    body.className = 'bubble';
    if ((message.contentType ?? '').startsWith('image/') && message.url) {
      const img = document.createElement('img');
      img.alt = texts.photo;
      img.src = `${root.dataset.image}?u=${encodeURIComponent(message.url)}`;
      body.append(img);
    } else {
      body.textContent = plain(message);
    }
    li.append(who, body);
    return li;
  }

  function show(message) {
    const id = String(message.id);
    const li = bubble(message);
    li.dataset.id = id;
    const earlier = shown.get(id) ?? (message.localId ? pending.get(message.localId) : undefined);
    if (message.localId) pending.delete(message.localId);
    if (earlier) earlier.replaceWith(li);
    else log.append(li);
    shown.set(id, li);
    if (message.author === 'hotel') typing(null);
    log.scrollTop = log.scrollHeight;
  }

  let typingTimer;
  function typing(event) {
    clearTimeout(typingTimer);
    if (!event) {
      typingLine.textContent = '';
      return;
    }
    typingLine.textContent = fill(texts.typing, { name: event.authorName || texts.hotel });
    typingTimer = setTimeout(() => typing(null), Math.min(60, event.timeout || 10) * 1000);
  }

  let socket;
  let retries = 0;
  let ended = false;
  function connect() {
    const url = new URL(root.dataset.socket, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('deviceId', deviceId);
    socket = new WebSocket(url);
    socket.addEventListener('open', () => {
      retries = 0;
      status.textContent = texts.online;
      root.dataset.state = 'online';
    });
    socket.addEventListener('message', (frame) => {
      for (const line of String(frame.data).split('\n')) {
        if (!line.trim()) continue;
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          continue;
        }
        if (event.type === 'chatMessage' && event.chatMessage) show(event.chatMessage);
        else if (event.type === 'typingIndicator' && (event.typingIndicator ?? event).author === 'hotel') typing(event.typingIndicator ?? event);
        else if (event.type === 'errorMessage') status.textContent = fill(texts.sendFailed, { reason: event.errorMessage ?? '' });
      }
    });
    socket.addEventListener('close', (closed) => {
      root.dataset.state = 'offline';
      // An unknown or ended session will not come back: stop trying.
      if (closed.code === 4404 || closed.code === 4410) {
        ended = true;
        status.textContent = texts.closed;
        form.hidden = true;
        return;
      }
      status.textContent = texts.offline;
      const delay = Math.min(30_000, 500 * 2 ** retries) * (0.5 + Math.random() / 2);
      retries += 1;
      setTimeout(connect, delay);
    });
  }

  const open = () => socket && socket.readyState === WebSocket.OPEN;
  function send(event) {
    if (!open()) return false;
    socket.send(JSON.stringify(event));
    return true;
  }

  let lastTyping = 0;
  input.addEventListener('input', () => {
    const now = Date.now();
    if (now - lastTyping < 3000 || !input.value.trim()) return;
    lastTyping = now;
    send({ type: 'typingIndicator', typingIndicator: { timeout: 5 } });
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (ended) return;
    const content = input.value.trim();
    if (content) {
      const localId = `l-${crypto.randomUUID()}`;
      if (!send({ type: 'chatMessage', chatMessage: { contentType: 'text/plain', content, localId } })) {
        status.textContent = fill(texts.sendFailed, { reason: texts.offline });
        return;
      }
      const li = bubble({ author: 'guest', contentType: 'text/plain', content });
      li.dataset.pending = 'true';
      pending.set(localId, li);
      log.append(li);
      log.scrollTop = log.scrollHeight;
      input.value = '';
      lastTyping = 0;
    }
    if (photo.files && photo.files.length > 0) await upload(photo.files[0]);
  });

  photo.addEventListener('change', () => {
    if (photo.files && photo.files.length > 0) upload(photo.files[0]);
  });

  async function upload(file) {
    const body = new FormData();
    body.append('localId', `p-${crypto.randomUUID()}`);
    body.append('photo', file);
    status.textContent = texts.sending;
    try {
      const res = await fetch(root.dataset.upload, { method: 'POST', body, credentials: 'omit' });
      const answer = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(answer.error?.message ?? String(res.status));
      show(answer.message);
      status.textContent = open() ? texts.online : texts.offline;
    } catch (err) {
      status.textContent = fill(texts.uploadFailed, { reason: err.message });
    } finally {
      photo.value = '';
    }
  }

  connect();
}
