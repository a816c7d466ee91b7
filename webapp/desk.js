/* The review desk: a version read inside the Mini App, loaded by app.js only when a document
 * is opened (with pdf.js, vendor/pdf.min.mjs, and its worker).
 *
 * A PDF is streamed from /api/versions/{id}/file with range requests (pdf.js asks for the
 * parts it needs), drawn page by page as pages come into view, with page thumbnails, zoom
 * and find in text. A supervisor or co-supervisor selects text on a page (or marks a region
 * of a scan), writes a comment, and decides (Approve / Request changes / Reject) through the
 * same API the chat's buttons use; the comments go with Request changes as the checklist.
 * Everyone who may see the version sees the comments sent, highlighted at their place, and
 * on a later version whether each passage changed. A DOCX is shown as its text with its
 * headings (read by the server, GET /api/versions/{id}/text).
 *
 * No HTML is parsed from data; positions are set through the CSSOM (allowed by the CSP). */
(function () {
  "use strict";

  var ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];
  var current = null;

  function Desk(main, arg, ctx) {
    this.main = main; this.arg = arg; this.ctx = ctx; this.t = ctx.t; this.el = ctx.el;
    this.version = arg.version;
    this.zoom = 2;  // index in ZOOMS: fit to width
    this.pages = [];  // {div, canvas, text, marks, drawn, page}
    this.anchors = { items: [], located: [], may_comment: false };
    this.query = "";
    this.regionMode = false;
    this.observer = null;
    this.started = performance.now();
  }

  Desk.prototype.status = function (text) {
    this.statusLine.textContent = text;
  };

  Desk.prototype.build = function () {
    var t = this.t, el = this.el, self = this;
    this.statusLine = el("p", { id: "desk-status", className: "muted", role: "status",
                                "aria-live": "polite" });
    this.pageLabel = el("span", { id: "desk-page", className: "muted" });
    this.findInput = el("input", { type: "search", id: "desk-find", "aria-label": t("app.desk_find_label"),
                                   placeholder: t("app.desk_find_placeholder") });
    this.findInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); self.find(self.findInput.value); }
    });
    var pdf = this.version.file_kind !== "docx";
    this.regionButton = el("button", { type: "button", className: "tool", id: "desk-region",
      "aria-pressed": "false", text: t("app.desk_region"), hidden: true,
      onclick: function () { self.setRegionMode(!self.regionMode); } });
    var toolbar = el("div", { className: "desk-bar", role: "toolbar", "aria-label": t("app.desk_toolbar") }, [
      pdf ? el("button", { type: "button", className: "tool", id: "desk-thumbs-toggle",
        "aria-expanded": "false", "aria-controls": "desk-thumbs", text: t("app.desk_pages"),
        onclick: function (event) { self.toggleThumbs(event.currentTarget); } }) : null,
      pdf ? el("button", { type: "button", className: "tool", id: "desk-zoom-out",
        "aria-label": t("app.desk_zoom_out"), text: "−", onclick: function () { self.setZoom(self.zoom - 1); } }) : null,
      pdf ? el("span", { id: "desk-zoom", className: "muted", text: "" }) : null,
      pdf ? el("button", { type: "button", className: "tool", id: "desk-zoom-in",
        "aria-label": t("app.desk_zoom_in"), text: "+", onclick: function () { self.setZoom(self.zoom + 1); } }) : null,
      this.pageLabel,
      this.findInput,
      el("button", { type: "button", className: "tool", id: "desk-find-go", text: t("app.desk_find"),
                     onclick: function () { self.find(self.findInput.value); } }),
      this.regionButton
    ]);
    this.thumbs = el("nav", { className: "desk-thumbs", id: "desk-thumbs", hidden: true,
                              "aria-label": t("app.desk_thumbnails") });
    this.sheet = el("div", { className: "desk-pages", id: "desk-pages" });
    this.list = el("ul", { className: "anchors", id: "anchors" });
    this.located = el("ul", { className: "anchors located", id: "anchors-located" });
    this.form = this.commentForm();
    this.decision = el("div", { className: "desk-decision", id: "desk-decision", hidden: true });
    var side = el("aside", { className: "desk-side", "aria-label": t("app.desk_comments") }, [
      el("h2", { text: t("app.desk_comments") }), this.list, this.form,
      el("h2", { id: "located-head", hidden: true, text: t("app.desk_earlier") }), this.located,
      this.decision
    ]);
    this.root = el("section", { className: "desk", id: "desk", "data-version": this.version.version,
                                "aria-label": t("app.desk_title", { version: this.version.version }) }, [
      toolbar, this.statusLine,
      el("div", { className: "desk-body" }, [this.thumbs, this.sheet, side])
    ]);
    this.main.appendChild(this.root);
  };

  // --------------------------------------------------------------- comments

  Desk.prototype.commentForm = function () {
    var t = this.t, el = this.el, self = this;
    this.quoteView = el("blockquote", { className: "quote", id: "comment-quote" });
    this.commentText = el("textarea", { id: "comment-text", rows: "3", maxlength: "1000" });
    var form = el("form", { className: "comment-form card", id: "comment-form", hidden: true }, [
      el("p", { className: "label", id: "comment-where" }), this.quoteView,
      el("label", { for: "comment-text", text: t("app.desk_comment_label") }), this.commentText,
      el("div", { className: "controls" }, [
        el("button", { type: "submit", className: "button", id: "comment-save", text: t("app.desk_comment_save") }),
        el("button", { type: "button", className: "button secondary", text: t("app.desk_cancel"),
                       onclick: function () { self.closeForm(); } })
      ])
    ]);
    form.addEventListener("submit", function (event) { event.preventDefault(); self.saveComment(); });
    return form;
  };

  Desk.prototype.openForm = function (pending) {
    this.pending = pending;
    this.form.querySelector("#comment-where").textContent =
      this.t(pending.quote ? "app.desk_comment_on_text" : "app.desk_comment_on_region", { page: pending.page });
    this.quoteView.textContent = pending.quote ? "«" + pending.quote + "»" : "";
    this.quoteView.hidden = !pending.quote;
    this.form.hidden = false;
    this.commentText.value = "";
    this.commentText.focus();
  };

  Desk.prototype.closeForm = function () {
    this.form.hidden = true; this.pending = null;
  };

  Desk.prototype.saveComment = function () {
    var self = this, pending = this.pending, text = this.commentText.value.trim();
    if (!pending) { return; }
    if (!text) { this.status(this.t("app.desk_comment_empty")); this.commentText.focus(); return; }
    this.ctx.request("/api/versions/" + this.version.id + "/anchors", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ page: pending.page, quote: pending.quote, comment: text, rects: pending.rects })
    }).then(function () {
      self.closeForm();
      window.getSelection().removeAllRanges();
      self.status(self.t("app.desk_comment_saved"));
      return self.loadAnchors();
    }).catch(function (error) { self.status(error.message || String(error)); });
  };

  Desk.prototype.loadAnchors = function () {
    var self = this;
    return this.ctx.get("/api/versions/" + this.version.id + "/anchors").then(function (data) {
      self.anchors = data;
      self.renderAnchors();
      self.pages.forEach(function (p) { self.drawMarks(p); });
      self.regionButton.hidden = !data.may_comment || self.version.file_kind === "docx";
      self.renderDecision();
    });
  };

  Desk.prototype.anchorLine = function (a, earlier) {
    var t = this.t, el = this.el, self = this;
    var where = t("app.desk_where", { page: a.page }) + (a.quote ? " «" + a.quote + "»" : "");
    var state = !a.sent ? t("app.desk_draft") : a.open ? t("app.desk_open") : t("app.desk_closed");
    var located = a.located_state ? t("app.desk_passage_" + a.located_state,
      { page: a.located_page || 0 }) : null;
    var li = el("li", { className: "anchor " + (a.located_state || ""), "data-anchor": a.id,
                        "data-state": a.located_state || "" }, [
      el("button", { type: "button", className: "link anchor-where",
        text: (earlier ? t("app.desk_version_short", { version: a.version }) + " · " : "") + where,
        onclick: function () { self.goTo(earlier ? (a.located_page || 1) : a.page); } }),
      el("div", { className: "anchor-comment", text: "— " + a.comment }),
      el("div", { className: "muted", text: [a.author, state, located].filter(Boolean).join(" · ") })
    ]);
    if (!a.sent && this.anchors.may_comment) {
      li.appendChild(el("button", { type: "button", className: "link danger", text: t("app.desk_delete"),
        "aria-label": t("app.desk_delete_label", { page: a.page }),
        onclick: function () {
          self.ctx.request("/api/anchors/" + a.id, { method: "DELETE" })
            .then(function () { return self.loadAnchors(); })
            .catch(function (error) { self.status(error.message); });
        } }));
    }
    return li;
  };

  Desk.prototype.renderAnchors = function () {
    var self = this, t = this.t;
    this.ctx.clear(this.list);
    this.anchors.items.forEach(function (a) { self.list.appendChild(self.anchorLine(a, false)); });
    if (!this.anchors.items.length) {
      this.list.appendChild(this.el("li", { className: "muted", text:
        this.anchors.may_comment ? t("app.desk_how_to_comment") : t("app.desk_no_comments") }));
    }
    this.ctx.clear(this.located);
    this.anchors.located.forEach(function (a) { self.located.appendChild(self.anchorLine(a, true)); });
    this.root.querySelector("#located-head").hidden = !this.anchors.located.length;
  };

  // --------------------------------------------------------------- decisions

  Desk.prototype.renderDecision = function () {
    var t = this.t, el = this.el, self = this;
    var box = this.ctx.clear(this.decision);
    box.hidden = !this.anchors.may_comment;
    if (box.hidden) { return; }
    var drafts = this.anchors.items.filter(function (a) { return !a.sent; }).length;
    var comment = el("textarea", { id: "decision-comment", rows: "3", maxlength: "4000" });
    box.appendChild(el("h2", { text: t("app.desk_decide") }));
    box.appendChild(el("p", { className: "muted", id: "decision-drafts",
                              text: t("app.desk_drafts_go_with", { count: drafts }) }));
    box.appendChild(el("label", { for: "decision-comment", text: t("app.desk_decision_comment") }));
    box.appendChild(comment);
    function decide(decision) {
      self.ctx.request("/api/versions/" + self.version.id + "/decision", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ decision: decision, comment: comment.value.trim() || null })
      }).then(function (r) { return r.json(); }).then(function (result) {
        self.status(result.decided ? t("app.desk_decided_" + decision, { count: result.items })
                                   : t("app.desk_decision_waiting"));
        return self.loadAnchors();
      }).catch(function (error) { self.status(error.message || String(error)); });
    }
    box.appendChild(el("div", { className: "controls" }, [
      el("button", { type: "button", className: "button", id: "decide-approved", text: t("app.desk_approve"),
                     onclick: function () { decide("approved"); } }),
      el("button", { type: "button", className: "button", id: "decide-changes_requested",
                     text: t("app.desk_request_changes"), onclick: function () { decide("changes_requested"); } }),
      el("button", { type: "button", className: "button danger", id: "decide-rejected", text: t("app.desk_reject"),
                     onclick: function () { decide("rejected"); } })
    ]));
  };

  // --------------------------------------------------------------- the PDF

  Desk.prototype.openPdf = function () {
    var self = this, assets = this.ctx.assets;
    var pdfUrl = new URL(assets.pdf, location.href).href;
    return import(pdfUrl).then(function (pdfjs) {
      self.pdfjs = pdfjs;
      pdfjs.GlobalWorkerOptions.workerSrc = new URL(assets.worker, location.href).href;
      self.task = pdfjs.getDocument({
        url: self.ctx.apiUrl(self.version.file_url),
        httpHeaders: { Authorization: "Bearer " + self.ctx.token() },
        isEvalSupported: false, disableAutoFetch: true, rangeChunkSize: 65536,
        enableXfa: false
      });
      return self.task.promise;
    }).then(function (doc) {
      self.doc = doc;
      return doc.getPage(1);
    }).then(function (first) {
      self.base = first.getViewport({ scale: 1 });
      self.layout();
      self.watch();
    });
  };

  Desk.prototype.fitScale = function () {
    var width = Math.max(this.sheet.clientWidth - 4, 200);
    return width / this.base.width * ZOOMS[this.zoom];
  };

  Desk.prototype.layout = function () {
    var self = this, el = this.el, t = this.t;
    var scale = this.fitScale();
    this.scale = scale;
    this.ctx.clear(this.sheet);
    this.pages = [];
    this.root.querySelector("#desk-zoom").textContent = Math.round(ZOOMS[this.zoom] * 100) + "%";
    for (var n = 1; n <= this.doc.numPages; n++) {
      var div = el("div", { className: "page", "data-page": n, role: "region",
                            "aria-label": t("app.desk_page", { page: n, pages: self.doc.numPages }) });
      div.style.width = Math.floor(this.base.width * scale) + "px";
      div.style.height = Math.floor(this.base.height * scale) + "px";
      div.style.setProperty("--scale-factor", String(scale));
      div.style.setProperty("--user-unit", "1");
      div.style.setProperty("--total-scale-factor", String(scale));
      this.sheet.appendChild(div);
      this.pages.push({ n: n, div: div, drawn: false });
    }
    this.pageLabel.textContent = t("app.desk_page", { page: 1, pages: this.doc.numPages });
  };

  Desk.prototype.watch = function () {
    var self = this;
    if (this.observer) { this.observer.disconnect(); }
    this.observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        var p = self.pages[Number(entry.target.getAttribute("data-page")) - 1];
        if (entry.isIntersecting && p) {
          self.draw(p);
          self.pageLabel.textContent = self.t("app.desk_page", { page: p.n, pages: self.doc.numPages });
        }
      });
    }, { root: null, rootMargin: "200px 0px" });
    this.pages.forEach(function (p) { self.observer.observe(p.div); });
  };

  Desk.prototype.draw = function (p) {
    if (p.drawn) { return; }
    p.drawn = true;
    var self = this, scale = this.scale, el = this.el;
    this.doc.getPage(p.n).then(function (page) {
      var viewport = page.getViewport({ scale: scale });
      var ratio = window.devicePixelRatio || 1;
      var canvas = el("canvas", { className: "page-canvas", role: "img",
                                  "aria-label": self.t("app.desk_page_image", { page: p.n }) });
      canvas.width = Math.floor(viewport.width * ratio);
      canvas.height = Math.floor(viewport.height * ratio);
      canvas.style.width = Math.floor(viewport.width) + "px";
      canvas.style.height = Math.floor(viewport.height) + "px";
      var text = el("div", { className: "textLayer" });
      var marks = el("div", { className: "marks", "aria-hidden": "true" });
      p.div.appendChild(canvas); p.div.appendChild(text); p.div.appendChild(marks);
      p.text = text; p.marks = marks;
      var drawing = page.render({ canvas: canvas, canvasContext: canvas.getContext("2d"), viewport: viewport,
                                  transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null }).promise;
      var layer = new self.pdfjs.TextLayer({ textContentSource: page.streamTextContent(),
                                             container: text, viewport: viewport });
      return Promise.all([drawing, layer.render()]).then(function () {
        p.div.setAttribute("data-drawn", "true");
        if (p.n === 1 && !self.root.hasAttribute("data-first-page-ms")) {
          self.root.setAttribute("data-first-page-ms", String(Math.round(performance.now() - self.started)));
        }
        self.drawMarks(p);
        self.markFound(p);
      });
    }).catch(function (error) { p.drawn = false; self.status(error.message || String(error)); });
  };

  Desk.prototype.drawMarks = function (p) {
    if (!p.marks) { return; }
    var el = this.el, self = this;
    this.ctx.clear(p.marks);
    var own = this.anchors.items.filter(function (a) { return a.page === p.n; });
    var earlier = this.anchors.located.filter(function (a) { return a.located_page === p.n; });
    own.forEach(function (a) {
      a.rects.forEach(function (r) {
        var mark = el("div", { className: "mark" + (a.sent ? " sent" : " draft"), "data-anchor": a.id });
        mark.style.left = (r[0] * 100) + "%"; mark.style.top = (r[1] * 100) + "%";
        mark.style.width = (r[2] * 100) + "%"; mark.style.height = (r[3] * 100) + "%";
        p.marks.appendChild(mark);
      });
    });
    // An earlier version's passage, found here: its words are marked in the text layer.
    if (p.text) {
      var spans = p.text.querySelectorAll("span");
      earlier.forEach(function (a) {
        var words = self.words(a.quote).slice(0, 4).join(" ");
        Array.prototype.forEach.call(spans, function (span) {
          if (words && self.words(span.textContent).join(" ").indexOf(words) >= 0) {
            span.classList.add("located-" + a.located_state);
            span.setAttribute("data-anchor", a.id);
          }
        });
      });
    }
    p.div.setAttribute("data-marks", String(p.marks.childElementCount));
  };

  Desk.prototype.words = function (text) {
    return (text || "").toLowerCase().split(/\s+/).filter(Boolean);
  };

  Desk.prototype.goTo = function (n) {
    var target = this.version.file_kind === "docx" ? this.sheet : this.pages[n - 1] && this.pages[n - 1].div;
    if (target) { target.scrollIntoView({ block: "start" }); }
  };

  Desk.prototype.setZoom = function (index) {
    this.zoom = Math.max(0, Math.min(ZOOMS.length - 1, index));
    this.layout();
    this.watch();
  };

  Desk.prototype.toggleThumbs = function (button) {
    var open = this.thumbs.hidden;
    this.thumbs.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open && !this.thumbs.childElementCount) { this.buildThumbs(); }
  };

  Desk.prototype.buildThumbs = function () {
    var self = this, el = this.el;
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting || entry.target.hasAttribute("data-drawn")) { return; }
        entry.target.setAttribute("data-drawn", "true");
        var n = Number(entry.target.getAttribute("data-page"));
        self.doc.getPage(n).then(function (page) {
          var viewport = page.getViewport({ scale: 96 / page.getViewport({ scale: 1 }).width });
          var canvas = el("canvas", { "aria-hidden": "true" });
          canvas.width = Math.floor(viewport.width); canvas.height = Math.floor(viewport.height);
          entry.target.insertBefore(canvas, entry.target.firstChild);
          return page.render({ canvas: canvas, canvasContext: canvas.getContext("2d"), viewport: viewport }).promise;
        });
      });
    }, { root: this.thumbs });
    for (var n = 1; n <= this.doc.numPages; n++) {
      (function (n) {
        var button = el("button", { type: "button", className: "thumb", "data-page": n,
          "aria-label": self.t("app.desk_go_to_page", { page: n }),
          onclick: function () { self.goTo(n); } }, [el("span", { text: String(n) })]);
        self.thumbs.appendChild(button);
        seen.observe(button);
      })(n);
    }
  };

  // --------------------------------------------------------------- selecting a passage

  Desk.prototype.listen = function () {
    var self = this;
    var picked = function () { setTimeout(function () { self.selected(); }, 0); };
    this.sheet.addEventListener("mouseup", picked);
    this.sheet.addEventListener("touchend", picked);
    this.sheet.addEventListener("keyup", picked);
    this.sheet.addEventListener("pointerdown", function (event) { self.regionStart(event); });
  };

  Desk.prototype.selected = function () {
    if (!this.anchors.may_comment || this.regionMode) { return; }
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return; }
    var range = selection.getRangeAt(0);
    var start = range.startContainer.parentElement;
    var pageDiv = start && start.closest(".page");
    if (!pageDiv || !this.sheet.contains(pageDiv)) { return; }
    var quote = selection.toString().replace(/\s+/g, " ").trim();
    if (!quote) { return; }
    var box = pageDiv.getBoundingClientRect();
    var rects = Array.prototype.filter.call(range.getClientRects(), function (r) {
      return r.width > 1 && r.height > 1;
    }).slice(0, 64).map(function (r) {
      var x = Math.max(0, (r.left - box.left) / box.width), y = Math.max(0, (r.top - box.top) / box.height);
      return [x, y, Math.min(r.width / box.width, 1 - x), Math.min(r.height / box.height, 1 - y)];
    }).filter(function (r) { return r[2] > 0 && r[3] > 0; });
    this.openForm({ page: Number(pageDiv.getAttribute("data-page")), quote: quote.slice(0, 2000), rects: rects });
  };

  Desk.prototype.setRegionMode = function (on) {
    this.regionMode = on;
    this.regionButton.setAttribute("aria-pressed", on ? "true" : "false");
    this.sheet.classList.toggle("marking", on);
    this.status(on ? this.t("app.desk_region_hint") : "");
  };

  Desk.prototype.regionStart = function (event) {
    if (!this.regionMode) { return; }
    var pageDiv = event.target.closest(".page");
    if (!pageDiv) { return; }
    event.preventDefault();
    var self = this, box = pageDiv.getBoundingClientRect();
    var x0 = (event.clientX - box.left) / box.width, y0 = (event.clientY - box.top) / box.height;
    var shape = this.el("div", { className: "mark draft" });
    pageDiv.appendChild(shape);
    function place(e) {
      var x1 = (e.clientX - box.left) / box.width, y1 = (e.clientY - box.top) / box.height;
      var r = [Math.max(0, Math.min(x0, x1)), Math.max(0, Math.min(y0, y1)),
               Math.min(Math.abs(x1 - x0), 1), Math.min(Math.abs(y1 - y0), 1)];
      shape.style.left = r[0] * 100 + "%"; shape.style.top = r[1] * 100 + "%";
      shape.style.width = r[2] * 100 + "%"; shape.style.height = r[3] * 100 + "%";
      return r;
    }
    function up(e) {
      document.removeEventListener("pointermove", place);
      document.removeEventListener("pointerup", up);
      var r = place(e);
      shape.remove();
      self.setRegionMode(false);
      if (r[2] > 0.01 && r[3] > 0.01) {
        self.openForm({ page: Number(pageDiv.getAttribute("data-page")), quote: "", rects: [r] });
      }
    }
    document.addEventListener("pointermove", place);
    document.addEventListener("pointerup", up);
  };

  // --------------------------------------------------------------- find in text

  Desk.prototype.find = function (raw) {
    var self = this, t = this.t;
    var query = (raw || "").trim().toLowerCase();
    this.query = query;
    if (!query) { this.status(""); return; }
    if (this.version.file_kind === "docx") {
      var found = Array.prototype.filter.call(this.sheet.querySelectorAll("p, h2, h3"), function (node) {
        node.classList.remove("found");
        return node.textContent.toLowerCase().indexOf(query) >= 0;
      });
      found.forEach(function (node) { node.classList.add("found"); });
      if (found.length) { found[0].scrollIntoView({ block: "center" }); }
      this.status(t("app.desk_found", { count: found.length }));
      return;
    }
    this.status(t("app.desk_finding"));
    var hits = [];
    var chain = Promise.resolve();
    for (var n = 1; n <= this.doc.numPages; n++) {
      (function (n) {
        chain = chain.then(function () { return self.doc.getPage(n); })
          .then(function (page) { return page.getTextContent(); })
          .then(function (content) {
            var text = content.items.map(function (i) { return i.str + (i.hasEOL ? " " : ""); }).join("");
            if (text.replace(/\s+/g, " ").toLowerCase().indexOf(query) >= 0) { hits.push(n); }
          });
      })(n);
    }
    chain.then(function () {
      self.status(hits.length ? t("app.desk_found_on", { count: hits.length, pages: hits.join(", ") })
                              : t("app.desk_found", { count: 0 }));
      self.pages.forEach(function (p) { self.markFound(p); });
      if (hits.length) { self.goTo(hits[0]); }
    });
  };

  Desk.prototype.markFound = function (p) {
    if (!p.text) { return; }
    var query = this.query;
    Array.prototype.forEach.call(p.text.querySelectorAll("span"), function (span) {
      span.classList.toggle("found", !!query && span.textContent.toLowerCase().indexOf(query) >= 0);
    });
  };

  // --------------------------------------------------------------- a DOCX

  Desk.prototype.openDocx = function () {
    var self = this, el = this.el, t = this.t;
    return this.ctx.get("/api/versions/" + this.version.id + "/text").then(function (doc) {
      var sheet = self.ctx.clear(self.sheet);
      sheet.classList.add("docx");
      if (!doc.ready) { sheet.appendChild(el("p", { className: "muted", text: t("app.desk_text_not_ready") })); return; }
      doc.sections.forEach(function (section) {
        var heading = [section.number, section.title].filter(Boolean).join(" ");
        if (heading) { sheet.appendChild(el(section.number.indexOf(".") > 0 ? "h3" : "h2", { text: heading })); }
        section.paragraphs.forEach(function (text) { sheet.appendChild(el("p", { text: text })); });
      });
      self.root.setAttribute("data-first-page-ms", String(Math.round(performance.now() - self.started)));
    });
  };

  // --------------------------------------------------------------- open and close

  Desk.prototype.open = function () {
    var self = this;
    this.build();
    this.listen();
    this.status(this.t("app.loading"));
    var opened = this.version.file_kind === "docx" ? this.openDocx() : this.openPdf();
    return Promise.all([opened, this.loadAnchors()]).then(function () {
      self.status("");
      self.root.setAttribute("data-ready", "true");
    });
  };

  Desk.prototype.close = function () {
    if (this.observer) { this.observer.disconnect(); }
    if (this.task) { this.task.destroy(); }
  };

  window.Desk = {
    open: function (main, arg, ctx) {
      if (current) { current.close(); }
      current = new Desk(main, arg, ctx);
      return current.open();
    },
    close: function () { if (current) { current.close(); current = null; } }
  };
})();
