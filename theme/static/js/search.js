/* reader_features: live results on the search page from Pagefind's index (same origin).
   The page is a plain GET form; this script keeps the ?q= query in the box, searches as the
   reader types and draws results in the site's own markup: title as a link, section, and an
   excerpt that starts at a sentence. Text from the index is only ever inserted as text (the
   <mark> highlights are rebuilt as elements). Without this script the form and the sections
   list still work. */
(function () {
  "use strict";
  var form = document.querySelector("[data-search-form]");
  if (!form || !window.URLSearchParams) { return; }
  var input = form.querySelector("input[name=q]");
  var list = document.querySelector("[data-search-results]");
  var status = document.querySelector("[data-search-status]");
  var hint = status ? status.textContent : "";
  var MAX = 20;
  var engine = null;
  var latest = 0;
  var timer = 0;

  function say(text) { status.textContent = text; }

  /** The page's wording for `key` ("one", "many"...), with {query}, {count}, {shown} filled. */
  function words(key, values) {
    return (status.getAttribute("data-" + key) || "").replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values || {}, name) ? String(values[name]) : all;
    });
  }

  /** Append Pagefind's excerpt HTML to `parent` as text nodes and <mark> elements only. */
  function appendExcerpt(parent, html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var text = "";
    var parts = [];
    doc.body.firstChild.childNodes.forEach(function (node) {
      var value = node.textContent || "";
      parts.push([node.nodeName === "MARK", value]);
      text += value;
    });
    // Pagefind cuts excerpts at words, often mid-sentence ("aid. Call 999 if ..."): start at
    // the next sentence when that keeps the highlighted words, else mark the cut with "...".
    var firstMark = text.length;
    for (var i = 0, seen = 0; i < parts.length; i += 1) {
      if (parts[i][0]) { firstMark = seen; break; }
      seen += parts[i][1].length;
    }
    var skip = 0;
    var lead = "";
    if (/^[a-z]/.test(text)) {
      var tail = /^[^.!?]{0,80}[.!?]["'\u2019\u201d)]*\s+(?=["'\u2018\u201c(]?[A-Z0-9])/.exec(text);
      if (tail && tail[0].length <= firstMark) { skip = tail[0].length; } else { lead = "\u2026"; }
    }
    if (lead) { parent.appendChild(document.createTextNode(lead)); }
    parts.forEach(function (part) {
      var value = part[1];
      if (skip > 0) {
        var cut = Math.min(skip, value.length);
        value = value.slice(cut);
        skip -= cut;
      }
      if (!value) { return; }
      if (part[0]) {
        var mark = document.createElement("mark");
        mark.textContent = value;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(value));
      }
    });
    var last = parent.lastChild;
    if (last && last.nodeType === 3 && !/[.!?]\s*$/.test(last.textContent)) {
      last.textContent = last.textContent.replace(/\s+$/, "") + "\u2026";
    }
  }

  function render(items, total, query) {
    list.textContent = "";
    items.forEach(function (data) {
      var li = document.createElement("li");
      li.className = "search-result";
      var heading = document.createElement("h2");
      heading.className = "search-result__title";
      var link = document.createElement("a");
      link.href = data.url;
      link.textContent = (data.meta && data.meta.title) || data.url;
      heading.appendChild(link);
      li.appendChild(heading);
      var section = data.filters && data.filters.section && data.filters.section[0];
      if (section) {
        var meta = document.createElement("p");
        meta.className = "search-result__section";
        meta.textContent = section;
        li.appendChild(meta);
      }
      var excerpt = document.createElement("p");
      excerpt.className = "search-result__excerpt";
      appendExcerpt(excerpt, data.excerpt || "");
      li.appendChild(excerpt);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    var values = { query: query, count: total, shown: items.length };
    if (!total) {
      say(words("none", values));
    } else if (total > items.length) {
      say(words("some", values));
    } else {
      say(words(total === 1 ? "one" : "many", values));
    }
  }

  function run(query) {
    var ticket = ++latest;
    query = query.trim();
    if (!query) {
      list.textContent = "";
      list.hidden = true;
      say(hint);
      return;
    }
    engine.search(query).then(function (search) {
      if (ticket !== latest) { return null; }
      return Promise.all(search.results.slice(0, MAX).map(function (r) { return r.data(); }))
        .then(function (items) {
          if (ticket === latest) { render(items, search.results.length, query); }
        });
    }).catch(function () {
      if (ticket === latest) { say(words("broken")); }
    });
  }

  function remember(query) {
    var url = new URL(window.location.href);
    if (query) { url.searchParams.set("q", query); } else { url.searchParams.delete("q"); }
    window.history.replaceState(null, "", url.toString());
  }

  import(form.getAttribute("data-bundle") + "pagefind.js").then(function (pagefind) {
    return pagefind.options({
      baseUrl: form.getAttribute("data-base-url") || "/",
      excerptLength: 24
    }).then(function () { return pagefind.init(); }).then(function () { return pagefind; });
  }).then(function (pagefind) {
    engine = pagefind;
    hint = words("ready");
    var query = new URLSearchParams(window.location.search).get("q") || "";
    input.value = query;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      remember(input.value.trim());
      run(input.value);
    });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { remember(input.value.trim()); run(input.value); }, 200);
    });
    if (query) { run(query); } else { input.focus(); }
  }).catch(function () {
    /* No index (or an old browser): the plain form and the sections list stay as they are. */
    say(words("broken"));
  });
}());
