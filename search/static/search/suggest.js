// Suggestions as you type: titles, people and places from /search/suggest/.
(function () {
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var list = form.querySelector(".search-suggestions");
  var url = form.getAttribute("data-suggest-url");
  var timer = null;
  var latest = 0;

  function show(items) {
    list.innerHTML = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.className = "suggestion suggestion-" + item.kind;
      var a = document.createElement("a");
      a.textContent = item.text;
      a.href = item.url || "?q=" + encodeURIComponent(item.text);
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (!q) { show([]); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      var sep = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + sep + "q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (ticket === latest) show(data.suggestions || []); })
        .catch(function () { show([]); });
    }, 150);
  });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") show([]); });
})();
