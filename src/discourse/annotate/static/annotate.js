// The annotation page's behaviour: show one post at a time, record stance/sentiment/note per
// post, autosave in localStorage under the export's id, and download a label CSV.
// Post text is untrusted: it only ever reaches the page through textContent.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("annotate-data").textContent);
  var posts = data.posts;
  var allowed = { stance: data.stances, sentiment: data.sentiments };
  var storageKey = "discourse-annotate:" + data.export_id;
  var state = { annotator: "", current: 0, labels: {} };

  function $(id) { return document.getElementById(id); }
  function keyOf(post) { return post.thread_id + "\u001f" + post.post_id; }
  function labelOf(post) { return state.labels[keyOf(post)] || {}; }
  function isLabelled(post) { return Boolean(labelOf(post).stance); }
  function countLabelled() { return posts.filter(isLabelled).length; }

  // --- autosave ------------------------------------------------------------------------------
  function restore() {
    var saved;
    try {
      saved = JSON.parse(window.localStorage.getItem(storageKey) || "null");
    } catch (error) {
      saved = null;
    }
    if (!saved || typeof saved !== "object") return;
    if (typeof saved.annotator === "string") state.annotator = saved.annotator;
    if (Number.isInteger(saved.current) && saved.current >= 0 && saved.current < posts.length) {
      state.current = saved.current;
    }
    var known = {};
    posts.forEach(function (post) { known[keyOf(post)] = true; });
    Object.keys(saved.labels || {}).forEach(function (key) {
      var entry = saved.labels[key];
      if (!known[key] || !entry || typeof entry !== "object") return;
      var clean = {};
      ["stance", "sentiment"].forEach(function (field) {
        if (allowed[field].indexOf(entry[field]) >= 0) clean[field] = entry[field];
      });
      if (typeof entry.note === "string") clean.note = entry.note;
      state.labels[key] = clean;
    });
  }

  function save() {
    var status = $("save-state");
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(state));
      status.textContent = "saved in this browser at " + new Date().toLocaleTimeString();
    } catch (error) {
      status.textContent = "autosave unavailable here (" + error.name + "); download the CSV before closing";
    }
  }

  // --- drawing -------------------------------------------------------------------------------
  function drawPost() {
    if (!posts.length) return;
    var post = posts[state.current];
    var label = labelOf(post);
    $("position").textContent = "Post " + (state.current + 1) + " of " + posts.length;
    var where = post.title ? "“" + post.title + "” · " : "";
    $("post-meta").textContent = where + "thread " + post.thread_id + " · post " + post.post_id +
      (post.position === null || post.position === undefined ? "" : " (position " + post.position + ")");
    var box = $("post-text");
    box.replaceChildren();
    post.segments.forEach(function (segment) {
      var span = document.createElement("span");
      span.className = segment[0] ? "quoted" : "own";
      span.textContent = segment[1];
      box.appendChild(span);
    });
    if (!post.segments.length) {
      var empty = document.createElement("span");
      empty.className = "cut";
      empty.textContent = "(this post has no text)";
      box.appendChild(empty);
    }
    if (post.cut > 0) {
      var cut = document.createElement("span");
      cut.className = "cut";
      cut.textContent = "\n[… " + post.cut + " more characters not shown]";
      box.appendChild(cut);
    }
    document.querySelectorAll("button.choice").forEach(function (button) {
      var on = label[button.dataset.field] === button.dataset.value;
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var note = $("note");
    if (document.activeElement !== note) note.value = label.note || "";
    $("prev").disabled = state.current === 0;
    $("next").disabled = state.current === posts.length - 1;
    drawOverview();
  }

  function drawOverview() {
    var list = $("overview");
    if (list.children.length !== posts.length) {
      list.replaceChildren();
      posts.forEach(function (post, index) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = String(index + 1);
        button.title = "thread " + post.thread_id + ", post " + post.post_id;
        button.addEventListener("click", function () { go(index); });
        item.appendChild(button);
        list.appendChild(item);
      });
    }
    Array.prototype.forEach.call(list.querySelectorAll("button"), function (button, index) {
      button.classList.toggle("done", isLabelled(posts[index]));
      button.classList.toggle("current", index === state.current);
    });
  }

  function drawProgress() {
    var done = countLabelled();
    $("progress").textContent = done + " of " + posts.length + " labelled";
    $("progress-bar").value = done;
    $("download").disabled = done === 0;
  }

  // --- changes -------------------------------------------------------------------------------
  function setField(field, value) {
    if (!posts.length) return;
    var key = keyOf(posts[state.current]);
    var entry = Object.assign({}, state.labels[key] || {});
    if (entry[field] === value) delete entry[field]; else entry[field] = value;  // again: clears
    state.labels[key] = entry;
    save();
    drawPost();
    drawProgress();
  }

  function go(index) {
    if (!posts.length) return;
    state.current = Math.max(0, Math.min(posts.length - 1, index));
    save();
    drawPost();
  }

  // --- CSV -----------------------------------------------------------------------------------
  // RFC 4180: a field holding a comma, a double quote or a line break is quoted, quotes doubled.
  function csvField(value) {
    var text = value === undefined || value === null ? "" : String(value);
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function labelCsv() {
    var annotator = state.annotator.trim();
    var lines = [data.columns.map(csvField).join(",")];
    posts.filter(isLabelled).forEach(function (post) {
      var label = labelOf(post);
      var row = {
        thread_id: post.thread_id, post_id: post.post_id, stance: label.stance,
        sentiment: label.sentiment || "", annotator: annotator, note: (label.note || "").trim(),
      };
      lines.push(data.columns.map(function (column) { return csvField(row[column]); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  function download() {
    var done = countLabelled();
    if (!done) return;
    var name = "labels-" + data.export_id + ".csv";
    var url = URL.createObjectURL(new Blob([labelCsv()], { type: "text/csv;charset=utf-8" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    var note = $("download-note");
    note.textContent = "Downloaded " + done + " label(s) as " + name + ". Add them with: discourse label import " + name;
    note.hidden = false;
  }

  // --- wiring --------------------------------------------------------------------------------
  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) {
      if (event.key === "Escape") target.blur();
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var choice = document.querySelector("button.choice[data-key=\"" + CSS.escape(key) + "\"]");
    if (choice) {
      event.preventDefault();
      setField(choice.dataset.field, choice.dataset.value);
    } else if (key === "j" || key === "ArrowRight") {
      event.preventDefault();
      go(state.current + 1);
    } else if (key === "k" || key === "ArrowLeft") {
      event.preventDefault();
      go(state.current - 1);
    } else if (key === "n" && posts.length) {
      event.preventDefault();
      $("note").focus();
    }
  }

  restore();
  var annotator = $("annotator");
  annotator.value = state.annotator;
  annotator.addEventListener("input", function () { state.annotator = annotator.value; save(); });
  $("download").addEventListener("click", download);
  if (posts.length) {
    document.querySelectorAll("button.choice").forEach(function (button) {
      button.addEventListener("click", function () { setField(button.dataset.field, button.dataset.value); });
    });
    $("prev").addEventListener("click", function () { go(state.current - 1); });
    $("next").addEventListener("click", function () { go(state.current + 1); });
    $("note").addEventListener("input", function (event) {
      var key = keyOf(posts[state.current]);
      state.labels[key] = Object.assign({}, state.labels[key] || {}, { note: event.target.value });
      save();
    });
    document.addEventListener("keydown", onKey);
    drawPost();
  }
  drawProgress();
}());
