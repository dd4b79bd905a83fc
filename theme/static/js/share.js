/* share_snippets: progressive enhancement for the share links (same origin, no trackers).
   - "Copy link" and kit-page copy buttons (shown only when copying is possible)
   - native "Share…" button (shown only where navigator.share exists)
   - Mastodon: ask for the reader's server once, validate the host name, remember it in
     localStorage (never sent anywhere but that server), then open https://<server>/share. */
(function () {
  "use strict";
  var KEY = "sharewell.mastodonServer";
  var LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
  var TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$/;

  // Messages come from the page (data-share-msg-*), in the page's language; English otherwise.
  function words(el, name, fallback) {
    var root = el.closest("[data-share], [data-share-kit]");
    return (root && root.getAttribute("data-share-msg-" + name)) || fallback;
  }

  function status(el, message) {
    var root = el.closest("[data-share], [data-share-kit]") || document;
    var out = root.querySelector("[data-share-status]");
    if (out) { out.textContent = ""; window.setTimeout(function () { out.textContent = message; }, 50); }
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  /** Return a lower-case ASCII host name from what the reader typed, or null. */
  function parseServer(input) {
    var value = String(input || "").trim().toLowerCase();
    value = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, "");
    value = value.split(/[/?#]/)[0];  // "example.social/@me" means server example.social
    var at = value.lastIndexOf("@");  // "@me@example.social" means server example.social
    if (at !== -1) { value = value.slice(at + 1); }
    value = value.replace(/\.$/, "");
    if (!value || /[\s:]/.test(value)) { return null; }
    try { value = new URL("https://" + value + "/").hostname; } catch (e) { return null; }
    var labels = value.split(".");
    if (value.length > 253 || labels.length < 2 || !TLD.test(labels[labels.length - 1])) {
      return null;
    }
    return labels.every(function (label) { return LABEL.test(label); }) ? value : null;
  }

  function storage(server) {
    try {
      if (server === undefined) { return window.localStorage.getItem(KEY); }
      window.localStorage.setItem(KEY, server);
    } catch (e) { /* storage disabled: ask each time */ }
    return null;
  }

  function go(url) {
    // A temporary link keeps rel="noopener noreferrer" for the navigation.
    var a = document.createElement("a");
    a.href = url;
    a.rel = "noopener noreferrer";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function mastodonUrl(server, text) {
    return "https://" + server + "/share?text=" + encodeURIComponent(text);
  }

  function setupMastodon(link) {
    var panel = document.getElementById("share-mastodon");
    var form = panel && panel.querySelector("[data-share-mastodon-form]");
    if (!form) { return; }
    var input = form.querySelector("input");
    var error = form.querySelector("[data-share-mastodon-error]");
    link.setAttribute("aria-expanded", "false");
    link.setAttribute("aria-controls", "share-mastodon");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      panel.classList.add("is-open");
      form.hidden = false;
      link.setAttribute("aria-expanded", "true");
      input.value = storage() || "";
      input.focus();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var server = parseServer(input.value);
      if (!server) {
        error.textContent = words(error, "server", "Enter your server's name, like mastodon.social");
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      error.textContent = "";
      input.removeAttribute("aria-invalid");
      storage(server);
      go(mastodonUrl(server, link.getAttribute("data-share-text") || ""));
    });
  }

  function init() {
    var canCopy = !!(navigator.clipboard && window.isSecureContext) ||
      (document.queryCommandSupported && document.queryCommandSupported("copy"));
    document.querySelectorAll("[data-share-copy], [data-share-copy-from]").forEach(function (btn) {
      if (!canCopy) { return; }
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var from = btn.getAttribute("data-share-copy-from");
        var text = from ? document.getElementById(from).value : btn.getAttribute("data-share-copy");
        copyText(text).then(
          function () { status(btn, from ? words(btn, "text-copied", "Text copied") : words(btn, "link-copied", "Link copied")); },
          function () { status(btn, words(btn, "copy-failed", "Could not copy: select the text and copy it yourself")); }
        );
      });
    });
    if (typeof navigator.share === "function") {
      document.querySelectorAll("[data-share-native]").forEach(function (btn) {
        btn.hidden = false;
        btn.addEventListener("click", function () {
          navigator.share({
            title: btn.getAttribute("data-share-title") || document.title,
            text: btn.getAttribute("data-share-text") || "",
            url: btn.getAttribute("data-share-url") || window.location.href
          }).catch(function () { /* cancelled by the reader */ });
        });
      });
    }
    document.querySelectorAll("[data-share-mastodon]").forEach(setupMastodon);
  }

  window.sharewellShare = { parseServer: parseServer, mastodonUrl: mastodonUrl };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
