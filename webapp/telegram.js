/* A tiny stand-in for Telegram's telegram-web-app.js, which is loaded from telegram.org and
 * so cannot run under our CSP (default-src 'self'). It does what this app needs and no more:
 * read what Telegram passes in the URL hash (tgWebAppData: the signed init data,
 * tgWebAppThemeParams, tgWebAppPlatform, tgWebAppVersion), expose it as
 * window.Telegram.WebApp, turn the theme into CSS variables (--tg-theme-bg-color, ...), and
 * send the few events we use (web_app_ready, web_app_expand) the way each client listens:
 * TelegramWebviewProxy (phones), window.external.notify (desktop), postMessage to the parent
 * (Telegram Web, which shows the app in an iframe). Theme changes come back through
 * Telegram.WebView.receiveEvent or a message from the parent. See webapp/README.md. */
(function () {
  "use strict";
  if (window.Telegram && window.Telegram.WebApp) { return; }
  var KEY = "tgWebAppParams";
  var raw = location.hash.replace(/^#/, "");
  var params = new URLSearchParams(raw);
  if (params.has("tgWebAppData")) {
    try { sessionStorage.setItem(KEY, raw); } catch (e) { /* private mode */ }
  } else {
    // Telegram passes the data once; a reload inside the app must still find it.
    try { params = new URLSearchParams(sessionStorage.getItem(KEY) || ""); } catch (e) { /* none */ }
  }

  function json(text, fallback) {
    try { return text ? JSON.parse(text) : fallback; } catch (e) { return fallback; }
  }

  var initData = params.get("tgWebAppData") || "";
  var unsafe = {};
  new URLSearchParams(initData).forEach(function (value, key) {
    unsafe[key] = key === "user" || key === "receiver" || key === "chat" ? json(value, null) : value;
  });
  var listeners = {};
  var webApp = {
    initData: initData,
    initDataUnsafe: unsafe,
    version: params.get("tgWebAppVersion") || "6.0",
    platform: params.get("tgWebAppPlatform") || "unknown",
    themeParams: json(params.get("tgWebAppThemeParams"), {}),
    colorScheme: "light",
    ready: function () { postEvent("web_app_ready"); },
    expand: function () { postEvent("web_app_expand"); },
    close: function () { postEvent("web_app_close"); },
    onEvent: function (name, callback) { (listeners[name] = listeners[name] || []).push(callback); },
    offEvent: function (name, callback) {
      listeners[name] = (listeners[name] || []).filter(function (cb) { return cb !== callback; });
    }
  };

  function postEvent(type, data) {
    var body = data || {};
    try {
      if (window.TelegramWebviewProxy && window.TelegramWebviewProxy.postEvent) {
        window.TelegramWebviewProxy.postEvent(type, JSON.stringify(body));
      } else if (window.external && "notify" in window.external) {
        window.external.notify(JSON.stringify({ eventType: type, eventData: body }));
      } else if (window.parent !== window) {
        window.parent.postMessage(JSON.stringify({ eventType: type, eventData: body }), "*");
      }
    } catch (e) { /* outside Telegram: nobody listens */ }
  }

  function luminance(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) { return 1; }
    var n = parseInt(m[1], 16);
    return (0.2126 * (n >> 16) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255)) / 255;
  }

  function applyTheme(theme) {
    webApp.themeParams = theme || {};
    var style = document.documentElement.style;
    Object.keys(webApp.themeParams).forEach(function (key) {
      var value = String(webApp.themeParams[key]);
      if (/^#[0-9a-f]{3,8}$/i.test(value)) {
        style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), value);
      }
    });
    webApp.colorScheme = luminance(webApp.themeParams.bg_color) < 0.5 ? "dark" : "light";
    document.documentElement.setAttribute("data-color-scheme", webApp.colorScheme);
  }

  function receive(type, data) {
    if (type === "theme_changed" && data && data.theme_params) { applyTheme(data.theme_params); }
    (listeners[type === "theme_changed" ? "themeChanged" : type] || []).forEach(function (cb) {
      try { cb.call(webApp, data); } catch (e) { /* a listener's bug is its own */ }
    });
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent) { return; }
    var message = typeof event.data === "string" ? json(event.data, null) : event.data;
    if (message && message.eventType) { receive(message.eventType, message.eventData); }
  });
  applyTheme(webApp.themeParams);
  window.Telegram = { WebApp: webApp, WebView: { receiveEvent: receive } };
})();
