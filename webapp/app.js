/* The Thesis Supervisor Mini App: sign in with Telegram's init data, then draw the
 * dashboards of the person's role from the JSON API (/api/, see /api/openapi.json).
 * Everything is built with DOM calls and textContent: no HTML is ever parsed from data.
 * Every text comes from the Fluent catalog locales/<lang>/miniapp.ftl (GET /api/texts, in
 * the person's language, with plural forms); dates and times are shown in TIMEZONE.
 * The review desk (desk.js, pdf.js) is loaded only when a document is opened. */
(function () {
  "use strict";

  var tg = window.Telegram && window.Telegram.WebApp;
  // Relative to the page, so the app works wherever it is mounted (/app/ → /api/).
  var API = new URL("../api/", location.href);
  var STATUSES = ["draft", "submitted", "changes_requested", "approved", "rejected", "final"];
  var state = { token: null, me: null, view: null, history: [] };
  var L = { bundle: null, fallback: null, language: "en", timezone: "UTC" };

  // ---------------------------------------------------------------- texts

  function makeBundle(language, source) {
    var Fluent = window.FluentBundle;
    if (!Fluent || !source) { return null; }
    var bundle = new Fluent.FluentBundle(language, { useIsolating: false });
    bundle.addResource(new Fluent.FluentResource(source));
    return bundle;
  }

  // t("app.tab_students", {count: 3}): the catalog's app-tab_students in the person's
  // language, else English, else the key itself (never an empty label).
  function t(key, args) {
    var id = key.replace(/\./g, "-");
    var bundles = [L.bundle, L.fallback];
    for (var i = 0; i < bundles.length; i++) {
      var bundle = bundles[i];
      if (bundle && bundle.hasMessage(id)) {
        var message = bundle.getMessage(id);
        if (message.value) { return bundle.formatPattern(message.value, args || {}, []); }
      }
    }
    return key;
  }

  function loadTexts() {
    return get("/api/texts").then(function (texts) {
      L.language = texts.language; L.timezone = texts.timezone;
      L.bundle = makeBundle(texts.language, texts.ftl);
      L.fallback = makeBundle("en", texts.fallback);
      document.documentElement.lang = texts.language;
      document.title = t("app.name");
      $("back").textContent = t("app.back");
      $("tabs").setAttribute("aria-label", t("app.views"));
    });
  }

  // ---------------------------------------------------------------- small helpers

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = value; }
      else if (key === "onclick") { node.addEventListener("click", value); }
      else if (key === "onchange") { node.addEventListener("change", value); }
      else if (key === "className") { node.className = value; }
      else { node.setAttribute(key, value === true ? "" : String(value)); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  // Dates and times in TIMEZONE, written the way the person's language writes them.
  function when(iso) {
    return new Intl.DateTimeFormat(L.language, { timeZone: L.timezone, dateStyle: "medium",
                                                 timeStyle: "short" }).format(new Date(iso));
  }

  function day(iso) {
    return new Intl.DateTimeFormat(L.language, { timeZone: L.timezone, month: "short",
                                                 day: "numeric" }).format(new Date(iso));
  }

  function size(bytes) {
    if (bytes < 1024) { return t("app.size_bytes", { size: bytes }); }
    var number = new Intl.NumberFormat(L.language, { maximumFractionDigits: 1 });
    if (bytes < 1024 * 1024) { return t("app.size_kb", { size: number.format(Math.round(bytes / 1024)) }); }
    return t("app.size_mb", { size: number.format(bytes / 1024 / 1024) });
  }

  function statusLabel(status) { return t("app.status_" + status); }

  function chip(status) {
    return el("span", { className: "chip " + (status || "none"),
                        text: status ? statusLabel(status) : t("app.no_thesis") });
  }

  function empty(text) { return el("p", { className: "muted empty", text: text }); }

  function apiUrl(path) {
    // The API answers absolute /api/… links; follow them under our own mount point.
    return new URL(path.replace(/^\/api\//, ""), API).toString();
  }

  // ---------------------------------------------------------------- the API

  function ApiError(status, code, message) {
    this.status = status; this.code = code; this.message = message;
  }

  function request(path, options) {
    var init = options || {};
    init.headers = init.headers || {};
    if (state.token) { init.headers.Authorization = "Bearer " + state.token; }
    return fetch(apiUrl(path), init).then(function (response) {
      if (response.ok) { return response; }
      return response.json().catch(function () { return {}; }).then(function (body) {
        var error = body && body.error ? body.error : {};
        throw new ApiError(response.status, error.code || "http_" + response.status,
                           error.message || response.statusText);
      });
    });
  }

  function get(path) { return request(path).then(function (r) { return r.json(); }); }

  function login() {
    return request("/api/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ init_data: tg ? tg.initData : "" })
    }).then(function (r) { return r.json(); }).then(function (body) {
      state.token = body.access_token;
    });
  }

  function download(url, name) {
    return request(url).then(function (r) { return r.blob(); }).then(function (blob) {
      // Never shown nor focusable: only clicked, to hand the browser the file.
      var link = el("a", { href: URL.createObjectURL(blob), download: name, text: name,
                           hidden: true, tabindex: "-1", "aria-hidden": "true" });
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    }).catch(showError);
  }

  // ---------------------------------------------------------------- frame and navigation

  function showError(error) {
    var main = clear($("main"));
    var text = error && error.message ? error.message : String(error);
    main.appendChild(el("p", { className: "error", id: "error", text: text }));
    if (error && error.status === 401) {
      main.appendChild(el("p", { className: "muted", text: t("app.reopen") }));
    }
  }

  function tabs(items, selected) {
    var nav = clear($("tabs"));
    nav.hidden = items.length < 2;
    items.forEach(function (item) {
      nav.appendChild(el("button", {
        type: "button", role: "tab", "data-tab": item.id,
        "aria-selected": item.id === selected ? "true" : "false",
        text: item.label, onclick: function () { show(item.id); }
      }));
    });
  }

  function show(view, arg, remember) {
    if (remember && state.view) { state.history.push(state.view); }
    if (!remember) { state.history = []; }
    state.view = { name: view, arg: arg };
    $("back").hidden = state.history.length === 0;
    var main = clear($("main"));
    main.appendChild(el("p", { className: "muted", text: t("app.loading") }));
    destroyCharts();
    if (window.Desk && view !== "desk") { window.Desk.close(); }
    document.body.classList.toggle("desk-open", view === "desk");
    var views = { timeline: viewTimeline, students: viewStudents, queue: viewQueue,
                  charts: viewCharts, student: viewStudent, desk: viewDesk, topics: viewTopics };
    if (!remember) { tabs(roleTabs(), view); }
    return views[view](arg).catch(showError);
  }

  function back() {
    var previous = state.history.pop();
    if (!previous) { return; }
    var keep = state.history.slice();
    show(previous.name, previous.arg, false).then(function () {
      state.history = keep; $("back").hidden = keep.length === 0;
    });
  }

  function roleTabs() {
    var role = state.me && state.me.role;
    var catalogue = { id: "topics", label: t("app.tab_topics") };
    if (role === "student") { return [{ id: "timeline", label: t("app.tab_thesis") }, catalogue]; }
    var list = [{ id: "students", label: t("app.tab_students") },
                { id: "queue", label: t("app.tab_queue") }, catalogue];
    if (role === "admin") { list.unshift({ id: "charts", label: t("app.tab_overview") }); }
    return list;
  }

  // ---------------------------------------------------------------- charts

  var charts = [];

  function destroyCharts() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
  }

  function palette(i) {
    var colors = [cssVar("--button", "#2481cc"), "#e5484d", "#2e9d5b", "#d9822b", "#8e4ec6",
                  "#12a594", "#e93d82", "#978365", "#0090ff", "#bdee63"];
    return colors[i % colors.length];
  }

  function chartBox(id, label, tall) {
    var canvas = el("canvas", { id: id, role: "img", "aria-label": label });
    return { box: el("div", { className: "chart-box" + (tall ? " tall" : "") }, [canvas]),
             canvas: canvas };
  }

  function baseOptions(extra) {
    var text = cssVar("--text", "#1c1c1e");
    var grid = cssVar("--line", "rgba(128,128,128,0.3)");
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { labels: { color: text, boxWidth: 12 } } },
      scales: {
        x: { ticks: { color: text }, grid: { color: grid } },
        y: { ticks: { color: text, precision: 0 }, grid: { color: grid }, beginAtZero: true }
      }
    };
    return Object.assign(options, extra || {});
  }

  function draw(canvas, config) {
    if (!window.Chart) { return; }
    charts.push(new window.Chart(canvas, config));
    canvas.setAttribute("data-drawn", "true");
  }

  // ---------------------------------------------------------------- a timeline

  // Every event of a thesis, newest first: versions (what changed, the thread), decisions
  // (grade, requested changes with their state), the examiner's grade, meetings,
  // milestones, and the thesis declared final or reopened.
  function timelineEvents(data) {
    var events = [];
    data.versions.forEach(function (v) {
      events.push({ at: v.submitted_at, kind: "version", v: v });
      if (v.decision) { events.push({ at: v.decision.decided_at, kind: "decision", v: v }); }
    });
    data.milestones.forEach(function (m) {
      events.push({ at: m.met_at || m.due_at, kind: "milestone", m: m });
    });
    (data.meetings || []).forEach(function (m) { events.push({ at: m.starts_at, kind: "meeting", m: m }); });
    (data.moves || []).forEach(function (m) { events.push({ at: m.at, kind: m.action, m: m }); });
    if (data.examiner_grade) {
      events.push({ at: data.examiner_grade.graded_at, kind: "examiner", m: data.examiner_grade });
    }
    events.sort(function (a, b) { return new Date(b.at) - new Date(a.at); });
    return events;
  }

  function item(kind, extra, children) {
    return el("li", { className: "tl-item " + kind + (extra ? " " + extra : ""), "data-kind": kind },
              children);
  }

  function changesBlock(v) {
    var c = v.changes;
    if (!c) { return null; }
    var parts = [];
    if (c.no_text) { parts.push(t("app.changes_no_text")); }
    else {
      if (c.pages_delta !== null) { parts.push(t("app.changes_pages", { delta: c.pages_delta })); }
      parts.push(t("app.changes_words", { added: c.words_added, removed: c.words_removed }));
      parts.push(t("app.changes_share", { share: Math.round(c.changed_share * 100) }));
      [["app.changes_added", c.sections_added], ["app.changes_changed", c.sections_changed],
       ["app.changes_removed", c.sections_removed]].forEach(function (pair) {
        var names = pair[1].map(function (name) { return name || t("app.changes_front"); });
        if (names.length) { parts.push(t(pair[0], { sections: names.join(", "), count: names.length })); }
      });
    }
    var passages = [];
    if (c.passages_changed) { passages.push(t("app.passages_changed", { count: c.passages_changed })); }
    if (c.passages_unchanged) { passages.push(t("app.passages_unchanged", { count: c.passages_unchanged })); }
    if (c.passages_removed) { passages.push(t("app.passages_removed", { count: c.passages_removed })); }
    return el("div", { className: "changes", "data-part": "changes" }, [
      el("div", { text: t("app.changes", { base: c.base_version }) + " " + parts.join("; ") }),
      passages.length ? el("div", { className: "passages", text: passages.join(", ") }) : null,
      c.detail_url ? el("button", { type: "button", className: "link download",
        text: t("app.changes_detail"),
        onclick: function () { download(c.detail_url, "changes-v" + c.base_version + "-v" + v.version + ".html"); } }) : null
    ]);
  }

  function attachedText(m) {
    if (m.media === "voice") {
      var total = m.seconds || 0;
      return t("app.attached_voice", { duration: Math.floor(total / 60) + ":" + String(total % 60).padStart(2, "0") });
    }
    if (m.media === "photo") {
      return t("app.attached_photo", { size: Math.max(1, Math.round((m.size || 0) / 1024)) });
    }
    return t("app.attached", { name: m.file_name });
  }

  function threadBlock(v) {
    if (!v.thread || !v.thread.length) { return null; }
    return el("details", { className: "thread", "data-part": "thread", open: true }, [
      el("summary", { text: t("app.thread", { count: v.thread.length }) }),
      el("ul", { className: "messages" }, v.thread.map(function (m) {
        return el("li", { className: "message" + (m.from_student ? " from-student" : "") }, [
          el("div", { className: "tl-when", text: (m.author || t("app.someone")) + " · " + when(m.at) }),
          m.body ? el("div", { className: "tl-body", text: m.body }) : null,
          m.file_name ? el("div", { className: "muted", text: attachedText(m) }) : null
        ]);
      }))
    ]);
  }

  function versionItem(v) {
    var state_ = v.state === "pending" ? t("app.version_pending")
      : v.state === "superseded" ? t("app.version_superseded") : "";
    return item("version", null, [
      el("div", { className: "tl-when", text: when(v.submitted_at) }),
      el("h3", { text: t("app.version_submitted", { version: v.version }) }),
      el("div", { className: "controls" }, [
        el("button", { type: "button", className: "button open-desk", "data-version": v.version,
                       text: t("app.open_desk"),
                       onclick: function () { show("desk", { version: v, student: state.student }, true); } }),
        el("button", { type: "button", className: "link download", text: "⬇ " + v.file_name,
                       onclick: function () { download(v.file_url, v.file_name); } }),
        el("span", { className: "muted", text: size(v.file_size) + (state_ ? " · " + state_ : "") })
      ]),
      v.note ? el("div", { className: "tl-body", text: "“" + v.note + "”" }) : null,
      changesBlock(v),
      threadBlock(v)
    ]);
  }

  function checklistBlock(v) {
    if (!v.checklist || !v.checklist.length) { return null; }
    return el("div", { "data-part": "checklist" }, [
      el("div", { className: "label", text: t("app.checklist", { count: v.checklist.length }) }),
      el("ul", { className: "checklist" }, v.checklist.map(function (i) {
        var state_ = i.open ? (i.addressed_version ? t("app.item_addressed", { version: i.addressed_version })
                                                   : t("app.item_open"))
                            : t("app.item_closed");
        return el("li", { className: "check " + (i.open ? "open" : "closed") }, [
          el("span", { text: (i.open ? "⬜ " : "✅ ") + i.text }),
          el("span", { className: "muted", text: " · " + state_ })
        ]);
      }))
    ]);
  }

  function decisionItem(v) {
    var d = v.decision;
    return item("decision", d.decision, [
      el("div", { className: "tl-when", text: when(d.decided_at) }),
      el("h3", { text: t("app.decision_" + d.decision, { version: v.version }) }),
      d.grade !== null ? el("div", { className: "grade", text: t("app.grade", { grade: d.grade }) }) : null,
      d.comment ? el("div", { className: "tl-body comment", text: d.comment }) : null,
      checklistBlock(v),
      d.feedback_url ? el("button", {
        type: "button", className: "link download", text: "⬇ " + d.feedback_file_name,
        onclick: function () { download(d.feedback_url, d.feedback_file_name || "feedback"); }
      }) : null
    ]);
  }

  function milestoneItem(m) {
    var status = m.met_at ? "met" : m.overdue ? "overdue" : "due";
    return item("milestone", status, [
      el("div", { className: "tl-when", text: when(m.met_at || m.due_at) }),
      el("h3", { text: t("app.milestone_" + status, { title: m.title }) }),
      el("div", { className: "muted", text: t("app.milestone_when", { due: when(m.due_at) }) +
                  (m.extended ? " " + t("app.milestone_extended", { cohort: day(m.cohort_due_at) }) : "") })
    ]);
  }

  function meetingItem(m) {
    return item("meeting", null, [
      el("div", { className: "tl-when", text: when(m.starts_at) }),
      el("h3", { text: t("app.meeting", { title: m.title }) }),
      m.place ? el("div", { className: "muted", text: m.place }) : null,
      m.notes ? el("div", { className: "tl-body", text: m.notes }) : null
    ]);
  }

  function moveItem(kind, m) {
    return item(kind, null, [
      el("div", { className: "tl-when", text: when(m.at) }),
      el("h3", { text: t("app.move_" + kind, { by: m.by || t("app.someone") }) })
    ]);
  }

  function examinerItem(g) {
    return item("examiner", null, [
      el("div", { className: "tl-when", text: when(g.graded_at) }),
      el("h3", { text: t("app.examiner", { by: g.examiner || t("app.someone") }) }),
      el("div", { className: "grade", text: t("app.grade", { grade: g.grade }) }),
      g.report ? el("div", { className: "tl-body", text: g.report }) : null
    ]);
  }

  function renderTimeline(data, main) {
    var thesis = data.thesis;
    state.student = data.student;
    var meta = [data.student.name];
    if (data.supervisor) { meta.push(t("app.supervisor", { name: data.supervisor.name })); }
    if (thesis) { meta.push(t("app.versions", { count: thesis.latest_version })); }
    main.appendChild(el("div", { className: "card", id: "thesis-head" }, [
      el("h2", { text: thesis ? thesis.title : data.student.name }),
      el("div", {}, [chip(thesis && thesis.status), el("span", { className: "muted", text: " " + meta.join(" · ") })])
    ]));
    var events = timelineEvents(data);
    if (!events.length) {
      main.appendChild(empty(thesis ? t("app.nothing_yet") : t("app.no_thesis_yet")));
      return;
    }
    var list = el("ol", { className: "timeline", id: "timeline" });
    events.forEach(function (e) {
      list.appendChild(e.kind === "version" ? versionItem(e.v)
        : e.kind === "decision" ? decisionItem(e.v)
        : e.kind === "meeting" ? meetingItem(e.m)
        : e.kind === "examiner" ? examinerItem(e.m)
        : e.kind === "finalize" || e.kind === "reopen" ? moveItem(e.kind, e.m)
        : milestoneItem(e.m));
    });
    main.appendChild(list);
  }

  function viewTimeline() {
    return get("/api/thesis").then(function (data) {
      $("title").textContent = t("app.tab_thesis");
      renderTimeline(data, clear($("main")));
    });
  }

  function viewStudent(id) {
    return get("/api/students/" + encodeURIComponent(id)).then(function (data) {
      $("title").textContent = data.student.name;
      renderTimeline(data, clear($("main")));
    });
  }

  // ---------------------------------------------------------------- the review desk

  // desk.js (and pdf.js with it) is fetched the first time a document is opened.
  var deskLoading = null;

  function deskAssets() {
    var meta = document.querySelector('meta[name="desk-assets"]');
    return { script: meta.getAttribute("data-script"), style: meta.getAttribute("data-style"),
             pdf: meta.getAttribute("data-pdf"), worker: meta.getAttribute("data-worker") };
  }

  function loadDesk() {
    if (window.Desk) { return Promise.resolve(window.Desk); }
    if (deskLoading) { return deskLoading; }
    var assets = deskAssets();
    deskLoading = new Promise(function (resolve, reject) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: assets.style }));
      var script = el("script", { src: assets.script });
      script.addEventListener("load", function () { resolve(window.Desk); });
      script.addEventListener("error", function () { deskLoading = null; reject(new Error(t("app.desk_failed"))); });
      document.head.appendChild(script);
    });
    return deskLoading;
  }

  function viewDesk(arg) {
    return loadDesk().then(function (Desk) {
      $("title").textContent = t("app.desk_title", { version: arg.version.version });
      return Desk.open(clear($("main")), arg, {
        t: t, when: when, request: request, get: get, apiUrl: apiUrl, assets: deskAssets(),
        token: function () { return state.token; }, me: state.me, el: el, clear: clear,
        reload: function () { back(); }
      });
    });
  }

  // ---------------------------------------------------------------- students

  // A supervisor's table comes most urgent first (the server's order, as /students in the
  // chat: waiting, overdue, silent, no submission, the rest), with the same filters.
  var table = { sort: "rank", dir: 1, status: "", filter: "all" };
  var COLUMNS = [
    { key: "name", label: "app.col_student" }, { key: "status", label: "app.col_status" },
    { key: "latest_version", label: "app.col_version", num: true },
    { key: "days_waiting", label: "app.col_days_waiting", num: true },
    { key: "latest_submitted_at", label: "app.col_last_upload" },
    { key: "rank", label: "app.col_urgency" }
  ];
  var FILTERS = ["waiting", "overdue", "silent", "all"];

  function urgencyText(s) {
    if (!s.urgency) { return "—"; }
    if (s.urgency === "rest") { return ""; }
    return t("app.urgency_" + s.urgency) + (s.urgency === "silent" && s.silent_days !== null
      ? " " + t("app.silent_days", { count: s.silent_days }) : "");
  }

  function compare(a, b) {
    var x = a[table.sort], y = b[table.sort];
    if (x === y) { return a.name.localeCompare(b.name); }
    if (x === null || x === undefined) { return 1; }
    if (y === null || y === undefined) { return -1; }
    return (typeof x === "number" ? x - y : String(x).localeCompare(String(y))) * table.dir;
  }

  function studentsTable(items, body) {
    var head = el("tr", {}, COLUMNS.map(function (col) {
      var sorted = table.sort === col.key;
      return el("th", { className: col.num ? "num" : "", "data-key": col.key,
                        "aria-sort": sorted ? (table.dir > 0 ? "ascending" : "descending") : "none" },
        [el("button", { type: "button", text: t(col.label), onclick: function () {
          table.dir = table.sort === col.key ? -table.dir : 1;
          table.sort = col.key;
          clear(body).appendChild(studentsTable(items, body));
        } })]);
    }));
    var rows = items.slice().sort(compare).map(function (s) {
      return el("tr", { "data-student-id": s.id, onclick: function () { show("student", s.id, true); } }, [
        el("td", {}, [s.name, s.active ? null : el("span", { className: "muted", text: " " + t("app.deactivated") }),
                      s.title ? el("div", { className: "muted", text: s.title }) : null]),
        el("td", {}, [chip(s.status)]),
        el("td", { className: "num", text: s.latest_version === null ? "—" : String(s.latest_version) }),
        el("td", { className: "num", text: s.days_waiting === null ? "—" : String(s.days_waiting) }),
        el("td", { text: s.latest_submitted_at ? day(s.latest_submitted_at) : "—" }),
        el("td", { className: "urgency", text: urgencyText(s) })
      ]);
    });
    return el("div", { className: "table-wrap" }, [el("table", { id: "students-table" }, [
      el("thead", {}, [head]), el("tbody", {}, rows.length ? rows
        : [el("tr", {}, [el("td", { colspan: COLUMNS.length, className: "muted", text: t("app.no_students") })])])
    ])]);
  }

  function submissionsChart(data, canvas) {
    var names = {};
    data.items.forEach(function (s) { names[s.id] = s.name; });
    var series = {};
    data.submissions.forEach(function (p) {
      (series[p.student_id] = series[p.student_id] || []).push(
        { x: new Date(p.submitted_at).getTime(), y: p.version });
    });
    var datasets = Object.keys(series).map(function (id, i) {
      return { label: names[id] || id, data: series[id], borderColor: palette(i),
               backgroundColor: palette(i), stepped: true, pointRadius: 3 };
    });
    var times = data.submissions.map(function (p) { return new Date(p.submitted_at).getTime(); });
    // Within two days, dates alone would all read the same: show the time too.
    var short = Math.max.apply(null, times) - Math.min.apply(null, times) < 2 * 86400000;
    draw(canvas, { type: "line", data: { datasets: datasets }, options: baseOptions({
      parsing: false,
      scales: {
        x: { type: "linear", ticks: { color: cssVar("--text", "#000"), maxTicksLimit: 6,
          callback: function (value) { return short ? when(value) : day(value); } },
          grid: { color: cssVar("--line", "#ccc") } },
        y: { title: { display: true, text: t("app.chart_version"), color: cssVar("--muted", "#666") },
             ticks: { precision: 0, color: cssVar("--text", "#000") }, beginAtZero: true,
             grid: { color: cssVar("--line", "#ccc") } }
      }
    }) });
  }

  function viewStudents(page) {
    var query = "?page_size=200&page=" + (page || 0) + (table.status ? "&status=" + table.status : "")
      + (table.filter !== "all" ? "&filter=" + table.filter : "");
    return get("/api/students" + query).then(function (data) {
      data.items.forEach(function (s, i) { s.rank = i; });
      $("title").textContent = t("app.tab_students");
      var main = clear($("main"));
      var filter = el("select", { id: "status-filter", "aria-label": t("app.filter"),
        onchange: function (event) { table.status = event.target.value; show("students"); } },
        [el("option", { value: "", text: t("app.all_statuses") })].concat(STATUSES.map(
          function (key) { return el("option", { value: key, text: statusLabel(key),
                                                 selected: table.status === key }); })));
      if (data.counts) {
        main.appendChild(el("div", { className: "controls", id: "urgency-filters" },
          FILTERS.map(function (f) {
            return el("button", { type: "button", "data-filter": f,
              className: "button" + (table.filter === f ? " active" : ""),
              "aria-pressed": table.filter === f ? "true" : "false",
              text: t("app.filter_" + f, { count: data.counts[f] }),
              onclick: function () { table.filter = f; table.sort = "rank"; table.dir = 1;
                                     show("students"); } });
          })));
      }
      main.appendChild(el("div", { className: "controls" }, [filter,
        el("span", { className: "muted", id: "students-total", text: t("app.students_total", { count: data.total }) })]));
      var holder = el("div", {});
      holder.appendChild(studentsTable(data.items, holder));
      main.appendChild(holder);
      if (data.pages > 1) {
        main.appendChild(el("div", { className: "controls" }, [
          data.page > 0 ? el("button", { type: "button", className: "button", text: t("app.previous"),
            onclick: function () { viewStudents(data.page - 1).catch(showError); } }) : null,
          el("span", { className: "muted", text: t("app.page", { page: data.page + 1, pages: data.pages }) }),
          data.page + 1 < data.pages ? el("button", { type: "button", className: "button", text: t("app.next"),
            onclick: function () { viewStudents(data.page + 1).catch(showError); } }) : null
        ]));
      }
      main.appendChild(el("h2", { text: t("app.submissions_over_time") }));
      if (!data.submissions.length) { main.appendChild(empty(t("app.no_versions"))); return; }
      var chart = chartBox("chart-submissions", t("app.submissions_over_time"), true);
      main.appendChild(chart.box);
      submissionsChart(data, chart.canvas);
    });
  }

  // ---------------------------------------------------------------- queue

  function viewQueue(page) {
    return get("/api/queue?page=" + (page || 0)).then(function (data) {
      $("title").textContent = t("app.queue_title");
      var main = clear($("main"));
      main.appendChild(el("p", { className: "muted", id: "queue-total",
                                 text: t("app.queue_total", { count: data.total }) }));
      if (!data.items.length) { main.appendChild(empty(t("app.queue_empty"))); return; }
      var list = el("div", { id: "queue" });
      data.items.forEach(function (item) {
        list.appendChild(el("div", { className: "card queue-item", "data-submission-id": item.submission_id }, [
          el("h2", { text: t("app.queue_item", { title: item.title, version: item.version }) }),
          el("div", { className: "muted", text: item.student.name + " · " +
                      (item.waiting_hours >= 48 ? t("app.waiting_days", { count: Math.floor(item.waiting_hours / 24) })
                       : t("app.waiting_hours", { count: Math.round(item.waiting_hours) })) }),
          el("div", { className: "controls" }, [
            el("button", { type: "button", className: "button open-desk", text: t("app.open_desk"),
                           onclick: function () {
                             show("desk", { version: { id: item.submission_id, version: item.version,
                                                       file_url: item.file_url, file_kind: item.file_kind || "pdf" },
                                            student: item.student }, true); } }),
            el("button", { type: "button", className: "button", text: t("app.timeline"),
                           onclick: function () { show("student", item.student.id, true); } }),
            el("button", { type: "button", className: "link download", text: t("app.download"),
                           onclick: function () { download(item.file_url, item.title + " v" + item.version); } })
          ])
        ]));
      });
      main.appendChild(list);
      if (data.pages > 1) {
        main.appendChild(el("div", { className: "controls" }, [
          data.page > 0 ? el("button", { type: "button", className: "button", text: t("app.previous"),
            onclick: function () { viewQueue(data.page - 1).catch(showError); } }) : null,
          el("span", { className: "muted", text: t("app.page", { page: data.page + 1, pages: data.pages }) }),
          data.page + 1 < data.pages ? el("button", { type: "button", className: "button", text: t("app.next"),
            onclick: function () { viewQueue(data.page + 1).catch(showError); } }) : null
        ]));
      }
    });
  }

  // ---------------------------------------------------------------- the topics' catalogue

  var catalogue = { tag: "", language: "", q: "" };

  function viewTopics(page) {
    var query = "?page=" + (page || 0) + (catalogue.tag ? "&tag=" + encodeURIComponent(catalogue.tag) : "")
      + (catalogue.language ? "&language=" + catalogue.language : "")
      + (catalogue.q ? "&q=" + encodeURIComponent(catalogue.q) : "");
    return get("/api/topics" + query).then(function (data) {
      $("title").textContent = t("app.tab_topics");
      var main = clear($("main"));
      var search = el("input", { type: "search", id: "topics-search", value: catalogue.q,
        placeholder: t("app.topics_search"), "aria-label": t("app.topics_search"),
        onchange: function (event) { catalogue.q = event.target.value.trim(); viewTopics(0).catch(showError); } });
      var language = el("select", { id: "topics-language", "aria-label": t("app.topics_language"),
        onchange: function (event) { catalogue.language = event.target.value; viewTopics(0).catch(showError); } },
        [el("option", { value: "", text: t("app.topics_any_language") })].concat(data.languages.map(
          function (code) { return el("option", { value: code, text: code, selected: catalogue.language === code }); })));
      var tag = el("select", { id: "topics-tag", "aria-label": t("app.topics_tag"),
        onchange: function (event) { catalogue.tag = event.target.value; viewTopics(0).catch(showError); } },
        [el("option", { value: "", text: t("app.topics_any_tag") })].concat(data.tags.map(
          function (name) { return el("option", { value: name, text: "#" + name, selected: catalogue.tag === name }); })));
      main.appendChild(el("div", { className: "controls" }, [search, language, tag,
        el("span", { className: "muted", id: "topics-total", text: t("app.topics_total", { count: data.total }) })]));
      if (!data.items.length) { main.appendChild(empty(t("app.topics_empty"))); return; }
      var list = el("div", { id: "topics" });
      data.items.forEach(function (topic) {
        list.appendChild(el("div", { className: "card topic", "data-topic-id": topic.id }, [
          el("h2", { text: topic.title }),
          el("div", { className: "muted", text: topic.supervisor + " · " + topic.language
                      + (topic.tags.length ? " · #" + topic.tags.join(" #") : "") }),
          el("p", { text: topic.description }),
          topic.requirements ? el("p", { className: "muted", text: t("app.topics_requirements", { text: topic.requirements }) }) : null,
          el("p", { className: "muted", text: t("app.topics_places", { count: topic.places })
                    + (topic.needs_proposal ? " · " + t("app.topics_proposal") : "") }),
          el("p", { className: "muted", text: t("app.topics_apply", { start: topic.start }) })
        ]));
      });
      main.appendChild(list);
      if (data.pages > 1) {
        main.appendChild(el("div", { className: "controls" }, [
          data.page > 0 ? el("button", { type: "button", className: "button", text: t("app.previous"),
            onclick: function () { viewTopics(data.page - 1).catch(showError); } }) : null,
          el("span", { className: "muted", text: t("app.page", { page: data.page + 1, pages: data.pages }) }),
          data.page + 1 < data.pages ? el("button", { type: "button", className: "button", text: t("app.next"),
            onclick: function () { viewTopics(data.page + 1).catch(showError); } }) : null
        ]));
      }
    });
  }

  // ---------------------------------------------------------------- admin charts

  function figure(label, value) {
    return el("div", { className: "figure" }, [el("b", { text: String(value) }),
                                               el("span", { className: "muted", text: label })]);
  }

  function viewCharts() {
    return get("/api/stats").then(function (data) {
      $("title").textContent = t("app.tab_overview");
      var main = clear($("main"));
      var users = data.users_by_role;
      main.appendChild(el("div", { className: "figures", id: "figures" }, [
        figure(t("app.fig_students", { count: users.student || 0 }), users.student || 0),
        figure(t("app.fig_supervisors", { count: users.supervisor || 0 }), users.supervisor || 0),
        figure(t("app.fig_week", { count: data.submissions_this_week }), data.submissions_this_week),
        figure(t("app.fig_median"), data.median_review_hours === null ? "—"
               : t("app.hours", { hours: data.median_review_hours.toFixed(1) }))
      ]));
      var weeks = chartBox("chart-weeks", t("app.per_week")),
          turnaround = chartBox("chart-turnaround", t("app.turnaround")),
          waiting = chartBox("chart-waiting", t("app.waiting_per_supervisor"));
      main.appendChild(el("h2", { text: t("app.per_week") }));
      main.appendChild(weeks.box);
      main.appendChild(el("div", { className: "grid-2" }, [
        el("div", {}, [el("h2", { text: t("app.turnaround") }), turnaround.box]),
        el("div", {}, [el("h2", { text: t("app.waiting_per_supervisor") }),
                       data.waiting_by_supervisor.length ? waiting.box : empty(t("app.nothing_waiting"))])
      ]));
      var accent = cssVar("--button", "#2481cc");
      draw(weeks.canvas, { type: "bar", options: baseOptions({ plugins: { legend: { display: false } } }),
        data: { labels: data.submissions_per_week.map(function (w) { return day(w.week + "T00:00:00Z"); }),
                datasets: [{ label: t("app.chart_versions"), data: data.submissions_per_week.map(function (w) { return w.count; }),
                             backgroundColor: accent }] } });
      draw(turnaround.canvas, { type: "bar", options: baseOptions({ plugins: { legend: { display: false } } }),
        data: { labels: data.review_turnaround.map(function (b) { return b.bucket; }),
                datasets: [{ label: t("app.chart_decisions"), data: data.review_turnaround.map(function (b) { return b.count; }),
                             backgroundColor: "#2e9d5b" }] } });
      if (data.waiting_by_supervisor.length) {
        draw(waiting.canvas, { type: "bar", options: baseOptions({ indexAxis: "y", plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0, color: cssVar("--text", "#000") } },
                    y: { ticks: { color: cssVar("--text", "#000") } } } }),
          data: { labels: data.waiting_by_supervisor.map(function (w) { return w.supervisor.name; }),
                  datasets: [{ label: t("app.chart_waiting"), data: data.waiting_by_supervisor.map(function (w) { return w.waiting; }),
                               backgroundColor: "#d9822b" }] } });
      }
      main.appendChild(rosterBox());
    });
  }

  // ---------------------------------------------------------------- the roster (admins)

  function rosterSummary(found) {
    var lines = [t("app.roster_create", { supervisors: found.supervisors, students: found.students })];
    if (found.updated) { lines.push(t("app.roster_updated", { count: found.updated })); }
    if (found.unchanged) { lines.push(t("app.roster_unchanged", { count: found.unchanged })); }
    found.problems.forEach(function (p) {
      lines.push(t("app.roster_problem", { row: p.row, reason: t("app.roster_reason_" + p.reason) }));
    });
    return el("ul", { className: "roster-result" }, lines.map(function (line) {
      return el("li", { text: line });
    }));
  }

  function rosterBox() {
    var input = el("input", { type: "file", id: "roster-file", accept: ".csv,.xlsx" });
    var result = el("div", { id: "roster-result", "aria-live": "polite" });
    var send = function (path, file) {
      return request(path, { method: "POST", body: file }).then(function (r) { return r.json(); });
    };
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      clear(result);
      if (!file) { return; }
      send("/api/roster/preview", file).then(function (found) {
        result.appendChild(rosterSummary(found));
        if (found.supervisors || found.students || found.updated) {
          result.appendChild(el("button", { type: "button", id: "roster-import",
            text: t("app.roster_import"), onclick: function () {
              send("/api/roster/import", file).then(function (done) {
                clear(result);
                result.appendChild(el("p", { text: t("app.roster_imported") }));
                result.appendChild(rosterSummary(done));
              }).catch(function (error) {
                result.appendChild(el("p", { className: "error", text: error.message }));
              });
            } }));
        }
      }).catch(function (error) {
        result.appendChild(el("p", { className: "error", text: t("app.roster_unreadable") }));
        if (error.code !== "roster_unreadable") { result.lastChild.textContent = error.message; }
      });
    });
    return el("section", { id: "roster" }, [
      el("h2", { text: t("app.roster_title") }),
      el("label", { for: "roster-file", text: t("app.roster_choose") }), input, result]);
  }

  // ---------------------------------------------------------------- start

  function start() {
    $("back").addEventListener("click", back);
    if (tg) { tg.ready(); tg.expand(); }
    if (!tg || !tg.initData) {
      // Before sign-in there is no catalog yet: index.html's own English line stays.
      showError({ message: document.body.getAttribute("data-no-telegram") });
      return;
    }
    login().then(function () { return Promise.all([get("/api/me"), loadTexts()]); }).then(function (got) {
      var me = got[0];
      state.me = me;
      $("who").textContent = me.name + " · " + t("app.role_" + me.role);
      // The guide of the person's role, in their language, beside the app (/guide/…).
      var guide = $("guide");
      guide.href = new URL(".." + me.guide, location.href).toString();
      guide.textContent = t("app.guide");
      guide.hidden = false;
      document.body.setAttribute("data-role", me.role);
      return show(me.role === "student" ? "timeline" : me.role === "admin" ? "charts" : "students");
    }).catch(showError);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
