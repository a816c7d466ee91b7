/* Thesis Supervisor sandbox page: Telegram-like chats of several people with the bot.
   Plain JavaScript, no build step. Everything from the server is inserted with textContent
   (never innerHTML), so user and bot text cannot inject markup. */
"use strict";

const S = {
  bot: { username: "", name: "" },
  people: [],            // [{id, name, first_name, last_name, role, intended, commands}]
  messages: new Map(),   // chatId -> Map(messageId -> message view)
  active: null,          // chatId shown on the right
  unread: new Map(),     // chatId -> count
  actions: new Map(),    // chatId -> {action, until}: the bot's chat action, shown for 5 s
  pendingToasts: new Map(),  // chatId -> [[text, alert]]: answers waiting for their chat
  replyTo: null,         // {chat, id, text}: the message the next one answers
  live: false,
};

const $ = (sel) => document.querySelector(sel);
const el = (tag, cls, text) => {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
};

// ---------------------------------------------------------------- server calls

async function api(path, body, isForm) {
  const init = { method: "POST", headers: { "X-Sandbox": "1" } };
  if (isForm) init.body = body;
  else { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
  const response = await fetch(path, init);
  let data = {};
  try { data = await response.json(); } catch (e) { /* not JSON */ }
  if (!response.ok) {
    toast(S.active, data.error || `${response.status} ${response.statusText}`, true);
    throw new Error(data.error || response.statusText);
  }
  return data;
}

const sendText = (chatId, text) => {
  const reply = takeReply(chatId);
  return api(`/api/chats/${chatId}/text`, reply ? { text, reply_to: reply } : { text });
};
const clickButton = (chatId, messageId, data) =>
  api(`/api/chats/${chatId}/click`, { message_id: messageId, callback_data: data });

async function sendFile(chatId, file, caption, kind = "document", extra = {}) {
  const form = new FormData();
  form.append("file", file, file.name);
  if (caption) form.append("caption", caption);
  const reply = takeReply(chatId);
  if (reply) form.append("reply_to", String(reply));
  for (const [key, value] of Object.entries(extra)) form.append(key, String(value));
  return api(`/api/chats/${chatId}/${kind}`, form, true);
}

/* Reply (the message's context menu): the next thing sent in that chat answers it. */
function takeReply(chatId) {
  const reply = S.replyTo && S.replyTo.chat === chatId ? S.replyTo.id : null;
  if (reply) setReply(null);
  return reply;
}

function setReply(target) {
  S.replyTo = target;
  const bar = $("#reply-bar");
  bar.hidden = !target;
  if (target) $("#reply-bar-text").textContent = target.text || "message";
}

function showContextMenu(ev, m) {
  ev.preventDefault();
  const menu = $("#context-menu");
  menu.replaceChildren();
  const item = el("button", "menu-item", "↩ Reply");
  item.type = "button";
  item.addEventListener("click", () => {
    menu.hidden = true;
    setReply({ chat: m.chat_id, id: m.id,
               text: (m.text || (m.document && m.document.file_name) || "").slice(0, 80) });
    $("#composer-input").focus();
  });
  menu.append(item);
  menu.style.left = `${ev.clientX}px`;
  menu.style.top = `${ev.clientY}px`;
  menu.hidden = false;
}

function audioSeconds(file) {
  return new Promise((resolve) => {
    const audio = document.createElement("audio");
    const url = URL.createObjectURL(file);
    const done = (value) => { URL.revokeObjectURL(url); resolve(value); };
    audio.addEventListener("loadedmetadata", () => done(Number.isFinite(audio.duration) ? Math.max(1, Math.round(audio.duration)) : 1));
    audio.addEventListener("error", () => done(1));
    setTimeout(() => done(1), 2000);
    audio.src = url;
  });
}

// ---------------------------------------------------------------- state

function applyState(state) {
  S.bot = state.bot;
  $("#bot-name").textContent = `@${state.bot.username}`;
  S.people = state.people;
  for (const [chatId, list] of Object.entries(state.messages)) {
    const map = new Map();
    for (const m of list) map.set(m.id, m);
    S.messages.set(Number(chatId), map);
  }
  if (S.active === null || !person(S.active)) {
    const fromHash = Number(location.hash.replace("#chat-", ""));
    S.active = person(fromHash) ? fromHash : (S.people[0] && S.people[0].id);
  }
  renderList();
  renderChat();
}

const person = (id) => S.people.find((p) => p.id === id);
const chatMessages = (id) => {
  if (!S.messages.has(id)) S.messages.set(id, new Map());
  return S.messages.get(id);
};

function upsert(message, isNew) {
  // A message from the bot ends its chat action, as in Telegram's clients.
  if (isNew && message.from_bot && S.actions.delete(message.chat_id)) renderHead();
  const map = chatMessages(message.chat_id);
  map.set(message.id, message);
  if (message.chat_id === S.active) {
    renderMessage(message);
  } else if (isNew && message.from_bot) {
    S.unread.set(message.chat_id, (S.unread.get(message.chat_id) || 0) + 1);
  }
  renderList();
}

function onEvent(event) {
  switch (event.type) {
    case "message": upsert(event.message, true); break;
    case "edit":
    case "delete": upsert(event.message, false); break;
    case "toast": toast(event.chat_id, event.text, event.alert); break;
    case "chat_action": showAction(event.chat_id, event.action); break;
    case "people":
      S.people = event.people;
      renderList();
      renderHead();
      break;
    default: break;
  }
}

// ---------------------------------------------------------------- live updates

let polling = null;

let lastState = "";

async function loadState() {
  const response = await fetch("/api/state", { cache: "no-store" });
  const body = await response.text();
  if (body === lastState) return;  // polling: redraw only when something changed
  const state = JSON.parse(body);
  if (polling && lastState) countUnread(JSON.parse(lastState), state);
  lastState = body;
  applyState(state);
}

function countUnread(before, after) {
  for (const [chatId, list] of Object.entries(after.messages)) {
    const id = Number(chatId);
    if (id === S.active) continue;
    const old = (before.messages[chatId] || []).length;
    const fresh = list.slice(old).filter((m) => m.from_bot).length;
    if (fresh) S.unread.set(id, (S.unread.get(id) || 0) + fresh);
  }
}

function connect() {
  if (!window.EventSource) { startPolling(); return; }
  const source = new EventSource("/api/events");
  let failures = 0;
  source.addEventListener("ready", () => {
    failures = 0;
    setLive(true);
    stopPolling();
    lastState = "";
    loadState();  // after subscribing: nothing can fall between state and events
  });
  source.onmessage = (e) => onEvent(JSON.parse(e.data));
  source.onerror = () => {
    setLive(false);
    failures += 1;
    if (failures >= 5) { source.close(); startPolling(); }
  };
}

function startPolling() {
  if (polling) return;
  polling = setInterval(() => loadState().then(() => setPolling()).catch(() => setLive(false)), 1000);
  loadState().then(() => setPolling());
}
function setPolling() {
  const conn = $("#conn");
  conn.classList.add("on", "polling");
  conn.title = "polling for updates";
}
function stopPolling() {
  if (polling) { clearInterval(polling); polling = null; }
  $("#conn").classList.remove("polling");
}

function setLive(live) {
  S.live = live;
  const conn = $("#conn");
  conn.classList.toggle("on", live);
  conn.title = live ? "live updates" : "reconnecting…";
}

// ---------------------------------------------------------------- chat list

const COLORS = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774"];
function avatar(node, p) {
  node.textContent = initials(p ? p.name : "?");
  node.style.background = p ? COLORS[Math.abs(p.id) % COLORS.length] : "#999";
}
function initials(name) {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}
const ROLE_LABEL = { admin: "administrator", supervisor: "supervisor", student: "student" };
function roleText(p) {
  if (p.role) return ROLE_LABEL[p.role] || p.role;
  const lang = p.language_code && p.language_code !== "en" ? ` · app in ${p.language_code}` : "";
  return p.intended ? `not registered · plays ${p.intended}${lang}` : `not registered${lang}`;
}

function preview(p) {
  const list = [...chatMessages(p.id).values()].filter((m) => !m.deleted);
  const last = list[list.length - 1];
  if (!last) return "No messages yet";
  let text = last.text || "";
  if (last.document) text = `📄 ${last.document.file_name || "file"}${text ? " · " + text : ""}`;
  else if (last.media_kind && !text) text = `[${last.media_kind}]`;
  return (last.from_bot ? "" : "You: ") + text.replace(/\s+/g, " ");
}

function renderList() {
  const list = $("#chat-list");
  list.replaceChildren();
  for (const p of S.people) {
    const item = el("button", "chat-item");
    item.type = "button";
    item.dataset.chatId = String(p.id);
    if (p.id === S.active) item.classList.add("active");
    const av = el("div", "avatar");
    avatar(av, p);
    const body = el("div", "chat-item-body");
    const top = el("div", "chat-item-top");
    top.append(el("span", "chat-item-name", p.name), el("span", `role-tag role-${p.role || "none"}`, p.role || "new"));
    const bottom = el("div", "chat-item-bottom");
    bottom.append(el("span", "chat-item-preview", preview(p)));
    const unread = S.unread.get(p.id) || 0;
    if (unread) bottom.append(el("span", "badge", String(unread)));
    body.append(top, bottom);
    item.append(av, body);
    item.addEventListener("click", () => openChat(p.id));
    list.append(item);
  }
}

function openChat(id) {
  if (S.active === id) return;
  S.active = id;
  S.unread.delete(id);
  history.replaceState(null, "", `#chat-${id}`);
  $("#menu").hidden = true;
  cancelRename();
  if (S.replyTo && S.replyTo.chat !== id) setReply(null);
  renderList();
  renderChat();
  for (const [text, alert] of S.pendingToasts.get(id) || []) toast(id, text, alert);
  S.pendingToasts.delete(id);
  $("#composer-input").focus();
}

// ---------------------------------------------------------------- chat pane

// What Telegram's clients say while a chat action lasts (about 5 s, or until a message).
const ACTION_TEXT = {
  typing: "typing…",
  upload_document: "sending a file…",
  upload_photo: "sending a photo…",
  record_voice: "recording a voice message…",
};

function showAction(chatId, action) {
  S.actions.set(chatId, { action, until: Date.now() + 5000 });
  if (chatId === S.active) renderHead();
  setTimeout(() => { if (chatId === S.active) renderHead(); }, 5100);
}

function currentAction(chatId) {
  const shown = S.actions.get(chatId);
  if (!shown || shown.until < Date.now()) return null;
  return ACTION_TEXT[shown.action] || `${shown.action.replace(/_/g, " ")}…`;
}

function renderHead() {
  const p = person(S.active);
  if (!p) return;
  avatar($("#head-avatar"), p);
  $("#head-name").textContent = p.name;
  const action = currentAction(p.id);
  const sub = $("#head-sub");
  sub.classList.toggle("acting", Boolean(action));
  sub.textContent = action
    ? `${S.bot.name || "bot"} is ${action}`
    : `${roleText(p)} · id ${p.id} · chat with @${S.bot.username}`;
  $("#chat").dataset.chatId = String(p.id);
  // The Mini App is for registered people (the bot refuses anyone else's login anyway).
  $("#dashboard-btn").hidden = !p.role;
}

// ---------------------------------------------------------------- the Mini App

/* Opens the bot's Mini App in a frame as this person: the sandbox signs their init data with
   the emulator's token, as Telegram signs it with the bot's, and passes it in the URL hash. */
async function openWebApp(chatId) {
  const response = await fetch(`/api/webapp/${chatId}`);
  const data = await response.json();
  if (!response.ok) { toast(chatId, data.error || response.statusText, true); return; }
  const p = person(chatId);
  $("#webapp-title").textContent = `Mini App · ${p ? p.name : chatId}`;
  $("#webapp-frame").src = data.url;
  $("#webapp-dialog").hidden = false;
}

function closeWebApp() {
  $("#webapp-dialog").hidden = true;
  $("#webapp-frame").src = "about:blank";
}

function renderChat() {
  renderHead();
  const box = $("#messages");
  box.replaceChildren();
  const list = [...chatMessages(S.active).values()].sort((a, b) => a.id - b.id);
  if (!list.length) {
    const p = person(S.active);
    const hint = el("div", "empty");
    hint.append(el("div", "empty-title", "No messages here yet"));
    hint.append(el("div", "", p && p.id === adminId()
      ? "Press START, then send /invite to invite a supervisor."
      : "Press START, or open an invite link from another chat."));
    const start = el("button", "start-btn", "START");
    start.type = "button";
    start.addEventListener("click", () => sendText(S.active, "/start"));
    hint.append(start);
    box.append(hint);
  }
  for (const m of list) renderMessage(m, true);
  box.scrollTop = box.scrollHeight;
}

function adminId() {
  const admin = S.people.find((p) => p.intended === "admin");
  return admin ? admin.id : null;
}

function renderMessage(m, bulk) {
  const box = $("#messages");
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  const node = messageNode(m);
  const old = box.querySelector(`.msg[data-message-id="${m.id}"]`);
  if (old) {
    old.replaceWith(node);  // edits update in place
  } else {
    const empty = box.querySelector(".empty");
    if (empty) empty.remove();
    // Keep order by id even if events arrive out of order.
    const after = [...box.querySelectorAll(".msg")].find((n) => Number(n.dataset.messageId) > m.id);
    box.insertBefore(node, after || null);
  }
  if (!bulk && (nearBottom || !m.from_bot || !old)) box.scrollTop = box.scrollHeight;
}

function messageNode(m) {
  const row = el("div", `msg ${m.from_bot ? "bot" : "user"}`);
  row.dataset.messageId = String(m.id);
  if (m.deleted) row.classList.add("deleted");
  const bubble = el("div", "bubble");
  if (m.reply_to) {
    const quoted = chatMessages(m.chat_id).get(m.reply_to);
    if (quoted) {
      const q = el("div", "reply-quote");
      q.append(el("div", "reply-who", quoted.from_bot ? S.bot.name : (person(m.chat_id) || {}).name));
      q.append(el("div", "reply-text", (quoted.text || (quoted.document && quoted.document.file_name) || "").slice(0, 80)));
      bubble.append(q);
    }
  }
  if (m.document) bubble.append(documentNode(m.document));
  else if (m.media_kind) bubble.append(mediaNode(m));
  if (m.deleted) {
    bubble.append(el("div", "text muted", "Message deleted"));
  } else if (m.text) {
    const text = el("div", "text");
    text.append(renderEntities(m.text, m.entities || [], m.from_bot));
    bubble.append(text);
  }
  const meta = el("span", "meta");
  if (m.edited) {
    meta.append(el("span", "edited", m.edit_date ? `edited ${clock(m.edit_date)} · ` : "edited "));
  }
  meta.append(el("span", "time", clock(m.date)));
  if (!m.from_bot) meta.append(el("span", "ticks", " ✓✓"));
  bubble.append(meta);
  row.append(bubble);
  if (!m.deleted) row.addEventListener("contextmenu", (ev) => showContextMenu(ev, m));
  if (m.buttons && m.buttons.length && !m.deleted) {
    row.classList.add("has-keyboard");
    row.append(keyboardNode(m));
  }
  return row;
}

function mediaNode(m) {
  const box = el("div", `media media-${m.media_kind}`);
  const src = m.media_file_id ? `/api/files/${encodeURIComponent(m.media_file_id)}` : null;
  if (m.media_kind === "photo" && src) {
    const img = el("img", "photo");
    img.src = src;
    img.alt = "Photo";
    box.append(img);
  } else if (m.media_kind === "voice") {
    box.append(el("div", "media-kind", "🎤 Voice message"));
    if (src) {
      const audio = el("audio", "voice");
      audio.controls = true;
      audio.src = src;
      box.append(audio);
    }
  } else {
    box.append(el("div", "media-kind", `[${m.media_kind}]`));
  }
  return box;
}

function clock(unix) {
  const d = new Date(unix * 1000);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

function sizeText(bytes) {
  if (bytes == null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function documentNode(doc) {
  const box = el("div", "doc");
  const ext = (doc.file_name || "").split(".").pop().toLowerCase();
  const icon = el("div", `doc-icon ext-${ext}`, ext && ext.length <= 4 ? ext.toUpperCase() : "FILE");
  const info = el("div", "doc-info");
  const link = el("a", "doc-name doc-download", doc.file_name || "file");
  link.href = `/api/files/${encodeURIComponent(doc.file_id)}`;
  link.setAttribute("download", doc.file_name || "file");
  link.title = "Download";
  info.append(link, el("div", "doc-size", `${sizeText(doc.file_size)} · download`));
  icon.addEventListener("click", () => link.click());
  box.append(icon, info);
  return box;
}

function keyboardNode(m) {
  const kb = el("div", "keyboard");
  for (const row of m.buttons) {
    const r = el("div", "kb-row");
    for (const b of row) {
      const button = el("button", "inline-btn", b.text);
      button.type = "button";
      if (b.callback_data !== undefined) {
        button.dataset.callback = b.callback_data;
        button.addEventListener("click", async () => {
          button.classList.add("pressed");
          try { await clickButton(m.chat_id, m.id, b.callback_data); } finally {
            setTimeout(() => button.classList.remove("pressed"), 400);
          }
        });
      } else if (b.web_app) {
        button.classList.add("web-app");
        button.addEventListener("click", () => openWebApp(m.chat_id));
      } else if (b.url) {
        button.classList.add("url");
        button.addEventListener("click", () => openLink(b.url));
      }
      r.append(button);
    }
    kb.append(r);
  }
  return kb;
}

// ---------------------------------------------------------------- formatting (entities)

/* Telegram entities: offsets and lengths in UTF-16 code units, which is exactly how
   JavaScript indexes strings. Entities nest properly (they come from parse_mode=HTML). */
function renderEntities(text, entities, fromBot) {
  const sorted = [...entities].sort((a, b) => a.offset - b.offset || b.length - a.length);
  return build(text, sorted, 0, text.length, fromBot, false);
}

function build(text, entities, start, end, fromBot, raw) {
  const frag = document.createDocumentFragment();
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const e = entities[i];
    const eEnd = e.offset + e.length;
    if (e.offset < pos || eEnd > end) { i += 1; continue; }  // malformed overlap: ignore
    if (e.offset > pos) frag.append(plain(text.slice(pos, e.offset), fromBot, raw, text[pos - 1]));
    // Children: the following entities inside this one.
    let j = i + 1;
    while (j < entities.length && entities[j].offset < eEnd) j += 1;
    const inner = entities.slice(i + 1, j);
    const node = entityNode(e, text.slice(e.offset, eEnd));
    const isRaw = raw || ["code", "pre", "text_link", "url"].includes(e.type);
    node.append(build(text, inner, e.offset, eEnd, fromBot, isRaw));
    frag.append(node);
    pos = eEnd;
    i = j;
  }
  if (pos < end) frag.append(plain(text.slice(pos, end), fromBot, raw, text[pos - 1]));
  return frag;
}

function entityNode(e, content) {
  switch (e.type) {
    case "bold": return el("strong");
    case "italic": return el("em");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": {
      const pre = el("pre");
      if (e.language) pre.dataset.language = e.language;
      return pre;
    }
    case "blockquote":
    case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const span = el("span", "spoiler");
      span.title = "Click to reveal";
      span.addEventListener("click", () => span.classList.add("revealed"));
      return span;
    }
    case "text_link": return linkNode(e.url || "");
    case "url": return linkNode(content);
    case "email": { const a = el("a"); a.href = `mailto:${content}`; return a; }
    case "bot_command": return commandNode(content);
    default: return el("span", `entity-${String(e.type).replace(/[^a-z_]/g, "")}`);
  }
}

const URL_RE = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]']|\/[A-Za-z][A-Za-z0-9_]{0,31}(?:@[A-Za-z0-9_]{3,32})?(?=$|[\s.,;:!?)])/g;

/* Plain runs: Telegram itself turns URLs (and, in bot messages, /commands) into links.
   ``before`` is the character preceding the run in the whole text ("95/100" is no command). */
function plain(text, fromBot, raw, before) {
  if (raw) return document.createTextNode(text);
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const word = match[0];
    const prev = match.index > 0 ? text[match.index - 1] : (before || "");
    if (word[0] === "/") {
      if (!fromBot || (prev && !/\s/.test(prev))) continue;
      frag.append(document.createTextNode(text.slice(last, match.index)));
      frag.append(commandNode(word, true));
    } else {
      frag.append(document.createTextNode(text.slice(last, match.index)));
      const a = linkNode(word);
      a.textContent = word;
      frag.append(a);
    }
    last = match.index + word.length;
  }
  frag.append(document.createTextNode(text.slice(last)));
  return frag;
}

function commandNode(command, withText) {
  const a = el("a", "cmd", withText ? command : undefined);
  a.href = "#";
  a.title = `Send ${command}`;
  a.addEventListener("click", (ev) => {
    ev.preventDefault();
    sendText(S.active, command.split("@")[0]);
  });
  return a;
}

function safeHref(url) {
  try {
    const u = new URL(url, location.href);
    return ["http:", "https:", "mailto:", "tg:"].includes(u.protocol) ? u.href : null;
  } catch (e) { return null; }
}

function linkNode(url) {
  const a = el("a", "link");
  const href = safeHref(url);
  if (href) a.href = href;
  const code = deepLinkCode(url);
  if (code !== null) {
    a.classList.add("deep-link");
    a.dataset.startCode = code;
    a.title = "Invite link: choose who opens it";
  } else {
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  a.addEventListener("click", (ev) => {
    if (code !== null) { ev.preventDefault(); openJoinDialog(code); }
  });
  return a;
}

function openLink(url) {
  const code = deepLinkCode(url);
  if (code !== null) { openJoinDialog(code); return; }
  const href = safeHref(url);
  if (href) window.open(href, "_blank", "noopener");
}

/* https://t.me/<our bot>?start=CODE (also tg://resolve?domain=<bot>&start=CODE) -> CODE */
function deepLinkCode(url) {
  let u;
  try { u = new URL(url); } catch (e) { return null; }
  const bot = (S.bot.username || "").toLowerCase();
  let name = null;
  if ((u.protocol === "https:" || u.protocol === "http:") &&
      ["t.me", "telegram.me", "www.t.me"].includes(u.hostname)) {
    name = u.pathname.replace(/^\//, "").split("/")[0];
  } else if (u.protocol === "tg:") {
    name = u.searchParams.get("domain");
  }
  if (!name || name.toLowerCase() !== bot) return null;
  const code = u.searchParams.get("start");
  return code === null ? "" : code;
}

// ---------------------------------------------------------------- deep-link dialog

let joinCode = null;

function openJoinDialog(code) {
  joinCode = code;
  const command = code ? `/start ${code}` : "/start";
  $("#join-command").textContent = command;
  const box = $("#join-people");
  box.replaceChildren();
  const ordered = [...S.people].sort((a, b) => (a.id === S.active ? -1 : 0) - (b.id === S.active ? -1 : 0));
  for (const p of ordered) {
    const b = el("button", "join-as");
    b.type = "button";
    b.dataset.personId = String(p.id);
    const av = el("div", "avatar small");
    avatar(av, p);
    const label = el("div", "join-label");
    label.append(el("div", "join-name", p.name + (p.id === S.active ? " (this chat)" : "")));
    label.append(el("div", "join-role", roleText(p)));
    b.append(av, label);
    b.addEventListener("click", () => joinAs(p.id));
    box.append(b);
  }
  $("#join-first").value = "";
  $("#join-last").value = "";
  $("#join-dialog").hidden = false;
}

function closeJoinDialog() { $("#join-dialog").hidden = true; joinCode = null; }

async function joinAs(id) {
  const code = joinCode;
  closeJoinDialog();
  openChat(id);
  await sendText(id, code ? `/start ${code}` : "/start");
}

// ---------------------------------------------------------------- toasts

function toast(chatId, text, alert) {
  if (chatId !== null && chatId !== undefined && chatId !== S.active) {
    // A button's answer belongs to the chat it was pressed in: shown there when it is opened.
    if (!S.pendingToasts.has(chatId)) S.pendingToasts.set(chatId, []);
    S.pendingToasts.get(chatId).push([text, alert]);
    return;
  }
  const node = el("div", `toast${alert ? " alert" : ""}`, text);
  $("#toasts").append(node);
  const remove = () => node.remove();
  node.addEventListener("click", remove);
  if (!alert) setTimeout(remove, 3500);
}

// ---------------------------------------------------------------- composer, menu, people

function setupComposer() {
  const input = $("#composer-input");
  const grow = () => { input.style.height = "auto"; input.style.height = Math.min(input.scrollHeight, 160) + "px"; };
  input.addEventListener("input", grow);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      $("#composer").requestSubmit();
    }
  });
  $("#composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (!text.trim() || S.active === null) return;
    input.value = "";
    grow();
    $("#menu").hidden = true;
    try { await sendText(S.active, text); } catch (e) { input.value = text; }
  });
  $("#file-input").addEventListener("change", async (ev) => {
    const file = ev.target.files[0];
    ev.target.value = "";
    if (!file) return;
    const caption = input.value.trim();
    input.value = "";
    grow();
    await sendFile(S.active, file, caption);
  });
  for (const [id, kind] of [["#photo-input", "photo"], ["#voice-input", "voice"]]) {
    $(id).addEventListener("change", async (ev) => {
      const file = ev.target.files[0];
      ev.target.value = "";
      if (!file) return;
      const caption = kind === "photo" ? input.value.trim() : "";
      if (caption) { input.value = ""; grow(); }
      const extra = kind === "voice" ? { duration: await audioSeconds(file) } : {};
      await sendFile(S.active, file, caption, kind, extra);
    });
  }
  $("#reply-cancel").addEventListener("click", () => setReply(null));
  document.addEventListener("click", (ev) => {
    if (!ev.target.closest("#context-menu")) $("#context-menu").hidden = true;
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") $("#context-menu").hidden = true;
  });
  $("#menu-btn").addEventListener("click", toggleMenu);
}

function toggleMenu() {
  const menu = $("#menu");
  if (!menu.hidden) { menu.hidden = true; return; }
  const p = person(S.active);
  const commands = (p && p.commands && p.commands.length) ? p.commands
    : [{ command: "start", description: "Start the bot" }, { command: "help", description: "Help" }];
  menu.replaceChildren();
  for (const c of commands) {
    const item = el("button", "menu-item");
    item.type = "button";
    item.append(el("span", "menu-cmd", `/${c.command}`), el("span", "menu-desc", c.description));
    item.addEventListener("click", () => { menu.hidden = true; sendText(S.active, `/${c.command}`); });
    menu.append(item);
  }
  menu.hidden = false;
}

function setupPeople() {
  $("#add-person").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const first = $("#new-first").value.trim();
    if (!first) return;
    const data = await api("/api/people", { first_name: first, last_name: $("#new-last").value.trim() });
    $("#new-first").value = "";
    $("#new-last").value = "";
    if (!person(data.person.id)) S.people.push({ ...data.person, role: null, commands: [] });
    openChat(data.person.id);
  });
  $("#rename-btn").addEventListener("click", () => {
    const p = person(S.active);
    if (!p) return;
    $("#rename-first").value = p.first_name;
    $("#rename-last").value = p.last_name || "";
    $("#rename-form").hidden = false;
    $("#head-name").parentElement.hidden = true;
    $("#rename-first").focus();
  });
  $("#rename-cancel").addEventListener("click", cancelRename);
  $("#rename-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    await api(`/api/people/${S.active}`, {
      first_name: $("#rename-first").value.trim(), last_name: $("#rename-last").value.trim(),
    });
    cancelRename();
  });
  $("#join-cancel").addEventListener("click", closeJoinDialog);
  $("#dashboard-btn").addEventListener("click", () => openWebApp(S.active));
  $("#webapp-close").addEventListener("click", closeWebApp);
  $("#join-dialog").addEventListener("click", (ev) => { if (ev.target.id === "join-dialog") closeJoinDialog(); });
  document.addEventListener("keydown", (ev) => { if (ev.key === "Escape") { closeJoinDialog(); $("#menu").hidden = true; } });
  $("#join-new").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const first = $("#join-first").value.trim();
    if (!first) return;
    const data = await api("/api/people", { first_name: first, last_name: $("#join-last").value.trim() });
    if (!person(data.person.id)) S.people.push({ ...data.person, role: null, commands: [] });
    await joinAs(data.person.id);
  });
}

function cancelRename() {
  $("#rename-form").hidden = true;
  $("#head-name").parentElement.hidden = false;
}

setupComposer();
setupPeople();
connect();
