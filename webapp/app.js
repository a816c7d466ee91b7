/* The Thesis Supervisor Mini App: sign in with Telegram's init data, then draw the
 * dashboards of the person's role from the JSON API (/api/, see /api/openapi.json).
 * Everything is built with DOM calls and textContent: no HTML is ever parsed from data. */
(function () {
  "use strict";

  var tg = window.Telegram && window.Telegram.WebApp;
  // Relative to the page, so the app works wherever it is mounted (/app/ → /api/).
  var API = new URL("../api/", location.href);
  var STATUS_LABELS = {
    draft: "Draft", submitted: "Waiting for review", changes_requested: "Changes requested",
    approved: "Approved", rejected: "Rejected", final: "Final"
  };
  var DECISION_LABELS = {
    approved: "Approved", changes_requested: "Changes requested", rejected: "Rejected"
  };
  var state = { token: null, me: null, view: null, history: [] };

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

  function when(iso) {
    var d = new Date(iso);
    return d.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" }) +
      " " + d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  }

  function day(iso) {
    return new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric" });
  }

  function size(bytes) {
    if (bytes < 1024) { return bytes + " B"; }
    if (bytes < 1024 * 1024) { return (bytes / 1024).toFixed(0) + " KB"; }
    return (bytes / 1024 / 1024).toFixed(1) + " MB";
  }

  function chip(status) {
    return el("span", { className: "chip " + (status || "none"),
                        text: status ? (STATUS_LABELS[status] || status) : "No thesis" });
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
      main.appendChild(el("p", { className: "muted",
        text: "Open the dashboard again from the bot's menu button in Telegram." }));
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
    main.appendChild(el("p", { className: "muted", text: "Loading…" }));
    destroyCharts();
    var views = { timeline: viewTimeline, students: viewStudents, queue: viewQueue,
                  charts: viewCharts, student: viewStudent };
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
    if (role === "student") { return [{ id: "timeline", label: "My thesis" }]; }
    var list = [{ id: "students", label: "Students" }, { id: "queue", label: "Queue" }];
    if (role === "admin") { list.unshift({ id: "charts", label: "Overview" }); }
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

  function chartBox(id, tall) {
    var canvas = el("canvas", { id: id, role: "img", "aria-label": id.replace(/-/g, " ") });
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

  function timelineEvents(data) {
    var events = [];
    data.versions.forEach(function (v) {
      events.push({ at: v.submitted_at, kind: "version", v: v });
      if (v.decision) { events.push({ at: v.decision.decided_at, kind: "decision", v: v }); }
    });
    data.milestones.forEach(function (m) {
      events.push({ at: m.met_at || m.due_at, kind: "milestone", m: m });
    });
    events.sort(function (a, b) { return new Date(b.at) - new Date(a.at); });
    return events;
  }

  function versionItem(v) {
    var state_ = v.state === "pending" ? "waiting for review"
      : v.state === "superseded" ? "superseded by a later version" : "";
    return el("li", { className: "tl-item version", "data-kind": "version" }, [
      el("div", { className: "tl-when", text: when(v.submitted_at) }),
      el("h3", { text: "Version " + v.version + " submitted" }),
      el("div", {}, [
        el("button", { type: "button", className: "link download", text: "⬇ " + v.file_name,
                       onclick: function () { download(v.file_url, v.file_name); } }),
        el("span", { className: "muted", text: " · " + size(v.file_size) +
                     (state_ ? " · " + state_ : "") })
      ]),
      v.note ? el("div", { className: "tl-body", text: "“" + v.note + "”" }) : null
    ]);
  }

  function decisionItem(v) {
    var d = v.decision;
    return el("li", { className: "tl-item decision " + d.decision, "data-kind": "decision" }, [
      el("div", { className: "tl-when", text: when(d.decided_at) }),
      el("h3", { text: (DECISION_LABELS[d.decision] || d.decision) + " — version " + v.version }),
      d.grade !== null ? el("div", { className: "grade", text: "Grade: " + d.grade }) : null,
      d.comment ? el("div", { className: "tl-body comment", text: d.comment }) : null,
      d.feedback_url ? el("button", {
        type: "button", className: "link download", text: "⬇ " + d.feedback_file_name,
        onclick: function () { download(d.feedback_url, d.feedback_file_name || "feedback"); }
      }) : null
    ]);
  }

  function milestoneItem(m) {
    var status = m.met_at ? "met" : m.overdue ? "overdue" : "due";
    var label = m.met_at ? "Milestone met: " : m.overdue ? "Milestone overdue: " : "Milestone due: ";
    return el("li", { className: "tl-item milestone " + status, "data-kind": "milestone" }, [
      el("div", { className: "tl-when", text: when(m.met_at || m.due_at) }),
      el("h3", { text: label + m.title }),
      el("div", { className: "muted", text: "Due " + when(m.due_at) +
                  (m.extended ? " (extended; cohort " + day(m.cohort_due_at) + ")" : "") })
    ]);
  }

  function renderTimeline(data, main) {
    var thesis = data.thesis;
    main.appendChild(el("div", { className: "card", id: "thesis-head" }, [
      el("h2", { text: thesis ? thesis.title : data.student.name }),
      el("div", {}, [chip(thesis && thesis.status),
        el("span", { className: "muted", text: " " + data.student.name +
          (data.supervisor ? " · supervisor " + data.supervisor.name : "") +
          (thesis ? " · " + thesis.latest_version + " version(s)" : "") })])
    ]));
    var events = timelineEvents(data);
    if (!events.length) {
      main.appendChild(empty(thesis ? "Nothing yet." : "No thesis submitted yet."));
      return;
    }
    var list = el("ol", { className: "timeline", id: "timeline" });
    events.forEach(function (e) {
      list.appendChild(e.kind === "version" ? versionItem(e.v)
        : e.kind === "decision" ? decisionItem(e.v) : milestoneItem(e.m));
    });
    main.appendChild(list);
  }

  function viewTimeline() {
    return get("/api/thesis").then(function (data) {
      $("title").textContent = "My thesis";
      renderTimeline(data, clear($("main")));
    });
  }

  function viewStudent(id) {
    return get("/api/students/" + encodeURIComponent(id)).then(function (data) {
      $("title").textContent = data.student.name;
      renderTimeline(data, clear($("main")));
    });
  }

  // ---------------------------------------------------------------- students

  // A supervisor's table comes most urgent first (the server's order, as /students in the
  // chat: waiting, overdue, silent, no submission, the rest), with the same filters.
  var table = { sort: "rank", dir: 1, status: "", filter: "all" };
  var COLUMNS = [
    { key: "name", label: "Student" }, { key: "status", label: "Status" },
    { key: "latest_version", label: "Version", num: true },
    { key: "days_waiting", label: "Days waiting", num: true },
    { key: "latest_submitted_at", label: "Last upload" },
    { key: "rank", label: "Urgency" }
  ];
  var URGENCY_LABELS = { waiting: "⏳ waiting", overdue: "⚠️ overdue", silent: "💤 silent",
                         none: "📭 no submission", rest: "" };
  var FILTERS = [["waiting", "Waiting"], ["overdue", "Overdue"], ["silent", "Silent"], ["all", "All"]];

  function urgencyText(s) {
    if (!s.urgency) { return "—"; }
    return URGENCY_LABELS[s.urgency] + (s.urgency === "silent" && s.silent_days !== null
      ? " " + s.silent_days + " d" : "");
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
        [el("button", { type: "button", text: col.label, onclick: function () {
          table.dir = table.sort === col.key ? -table.dir : 1;
          table.sort = col.key;
          clear(body).appendChild(studentsTable(items, body));
        } })]);
    }));
    var rows = items.slice().sort(compare).map(function (s) {
      return el("tr", { "data-student-id": s.id, onclick: function () { show("student", s.id, true); } }, [
        el("td", {}, [s.name, s.active ? null : el("span", { className: "muted", text: " (deactivated)" }),
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
        : [el("tr", {}, [el("td", { colspan: COLUMNS.length, className: "muted", text: "No students." })])])
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
        y: { title: { display: true, text: "version", color: cssVar("--hint", "#888") },
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
      $("title").textContent = "Students";
      var main = clear($("main"));
      var filter = el("select", { id: "status-filter", "aria-label": "Filter by status",
        onchange: function (event) { table.status = event.target.value; show("students"); } },
        [el("option", { value: "", text: "All statuses" })].concat(Object.keys(STATUS_LABELS).map(
          function (key) { return el("option", { value: key, text: STATUS_LABELS[key],
                                                 selected: table.status === key }); })));
      if (data.counts) {
        main.appendChild(el("div", { className: "controls", id: "urgency-filters" },
          FILTERS.map(function (f) {
            return el("button", { type: "button", "data-filter": f[0],
              className: "button" + (table.filter === f[0] ? " active" : ""),
              "aria-pressed": table.filter === f[0] ? "true" : "false",
              text: f[1] + " (" + data.counts[f[0]] + ")",
              onclick: function () { table.filter = f[0]; table.sort = "rank"; table.dir = 1;
                                     show("students"); } });
          })));
      }
      main.appendChild(el("div", { className: "controls" }, [filter,
        el("span", { className: "muted", id: "students-total", text: data.total + " student(s)" })]));
      var holder = el("div", {});
      holder.appendChild(studentsTable(data.items, holder));
      main.appendChild(holder);
      if (data.pages > 1) {
        main.appendChild(el("div", { className: "controls" }, [
          data.page > 0 ? el("button", { type: "button", className: "button", text: "‹ Previous",
            onclick: function () { viewStudents(data.page - 1).catch(showError); } }) : null,
          el("span", { className: "muted", text: "Page " + (data.page + 1) + " of " + data.pages }),
          data.page + 1 < data.pages ? el("button", { type: "button", className: "button", text: "Next ›",
            onclick: function () { viewStudents(data.page + 1).catch(showError); } }) : null
        ]));
      }
      main.appendChild(el("h2", { text: "Submissions over time" }));
      if (!data.submissions.length) { main.appendChild(empty("No versions yet.")); return; }
      var chart = chartBox("chart-submissions", true);
      main.appendChild(chart.box);
      submissionsChart(data, chart.canvas);
    });
  }

  // ---------------------------------------------------------------- queue

  function viewQueue(page) {
    return get("/api/queue?page=" + (page || 0)).then(function (data) {
      $("title").textContent = "Review queue";
      var main = clear($("main"));
      main.appendChild(el("p", { className: "muted", id: "queue-total",
                                 text: data.total + " version(s) waiting" }));
      if (!data.items.length) { main.appendChild(empty("Nothing is waiting for you.")); return; }
      var list = el("div", { id: "queue" });
      data.items.forEach(function (item) {
        list.appendChild(el("div", { className: "card queue-item", "data-submission-id": item.submission_id }, [
          el("h2", { text: item.title + " — version " + item.version }),
          el("div", { className: "muted", text: item.student.name + " · waiting " +
                      (item.waiting_hours >= 48 ? Math.floor(item.waiting_hours / 24) + " days"
                       : item.waiting_hours + " h") }),
          el("div", { className: "controls" }, [
            el("button", { type: "button", className: "button", text: "Timeline",
                           onclick: function () { show("student", item.student.id, true); } }),
            el("button", { type: "button", className: "link download", text: "⬇ Download",
                           onclick: function () { download(item.file_url, item.title + " v" + item.version); } })
          ])
        ]));
      });
      main.appendChild(list);
      if (data.pages > 1) {
        main.appendChild(el("div", { className: "controls" }, [
          data.page > 0 ? el("button", { type: "button", className: "button", text: "‹ Previous",
            onclick: function () { viewQueue(data.page - 1).catch(showError); } }) : null,
          el("span", { className: "muted", text: "Page " + (data.page + 1) + " of " + data.pages }),
          data.page + 1 < data.pages ? el("button", { type: "button", className: "button", text: "Next ›",
            onclick: function () { viewQueue(data.page + 1).catch(showError); } }) : null
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
      $("title").textContent = "Overview";
      var main = clear($("main"));
      var users = data.users_by_role;
      main.appendChild(el("div", { className: "figures", id: "figures" }, [
        figure("students", users.student || 0), figure("supervisors", users.supervisor || 0),
        figure("versions this week", data.submissions_this_week),
        figure("median review", data.median_review_hours === null ? "—"
               : data.median_review_hours.toFixed(1) + " h")
      ]));
      var weeks = chartBox("chart-weeks"), turnaround = chartBox("chart-turnaround"),
          waiting = chartBox("chart-waiting");
      main.appendChild(el("h2", { text: "Submissions per week" }));
      main.appendChild(weeks.box);
      main.appendChild(el("div", { className: "grid-2" }, [
        el("div", {}, [el("h2", { text: "Review turnaround (90 days)" }), turnaround.box]),
        el("div", {}, [el("h2", { text: "Waiting versions per supervisor" }),
                       data.waiting_by_supervisor.length ? waiting.box : empty("Nothing is waiting.")])
      ]));
      var accent = cssVar("--button", "#2481cc");
      draw(weeks.canvas, { type: "bar", options: baseOptions({ plugins: { legend: { display: false } } }),
        data: { labels: data.submissions_per_week.map(function (w) { return day(w.week + "T00:00:00Z"); }),
                datasets: [{ label: "versions", data: data.submissions_per_week.map(function (w) { return w.count; }),
                             backgroundColor: accent }] } });
      draw(turnaround.canvas, { type: "bar", options: baseOptions({ plugins: { legend: { display: false } } }),
        data: { labels: data.review_turnaround.map(function (b) { return b.bucket; }),
                datasets: [{ label: "decisions", data: data.review_turnaround.map(function (b) { return b.count; }),
                             backgroundColor: "#2e9d5b" }] } });
      if (data.waiting_by_supervisor.length) {
        draw(waiting.canvas, { type: "bar", options: baseOptions({ indexAxis: "y", plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0, color: cssVar("--text", "#000") } },
                    y: { ticks: { color: cssVar("--text", "#000") } } } }),
          data: { labels: data.waiting_by_supervisor.map(function (w) { return w.supervisor.name; }),
                  datasets: [{ label: "waiting", data: data.waiting_by_supervisor.map(function (w) { return w.waiting; }),
                               backgroundColor: "#d9822b" }] } });
      }
    });
  }

  // ---------------------------------------------------------------- start

  function start() {
    $("back").addEventListener("click", back);
    if (tg) { tg.ready(); tg.expand(); }
    if (!tg || !tg.initData) {
      showError({ message: "Open this dashboard from the bot in Telegram: it signs you in." });
      return;
    }
    login().then(function () { return get("/api/me"); }).then(function (me) {
      state.me = me;
      $("who").textContent = me.name + " · " + me.role;
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
