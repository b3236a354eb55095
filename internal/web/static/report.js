/*
 * jiceng — the residents' public pages (/report, /track). Everything here is
 * an enhancement: every page works without it (and the place picker already
 * cascades through htmx when it runs). Loaded with `defer` by those pages only.
 *
 *   [data-copy="ID"]    a hidden button shown here that copies the text of #ID
 *                       (the receipt code) and says so in the next .csp-copy-status
 *   [data-csp-files]    a file input whose count and sizes are checked as files
 *                       are chosen and before the form is sent, with the
 *                       messages of its data-msg-* attributes, so that a phone
 *                       does not upload 30 MB only to be told they are too many
 *   form.csp-form       sent once: its submit button is disabled while it goes
 */
(function () {
  "use strict";

  var doc = document;

  /* ---------------- copying the receipt ---------------- */

  function say(btn, text) {
    var out = btn.parentNode && btn.parentNode.querySelector(".csp-copy-status");
    if (out) out.textContent = text;
  }

  function selectText(el) {
    var range = doc.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  Array.prototype.forEach.call(doc.querySelectorAll("button[data-copy]"), function (btn) {
    var el = doc.getElementById(btn.getAttribute("data-copy"));
    if (!el) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var text = el.textContent.replace(/\s+/g, "");
      var done = function () { say(btn, btn.getAttribute("data-copied")); };
      var fallback = function () {
        // Older in-app browsers (WeChat's among them) lack the async API
        // or refuse it outside HTTPS; the selection is copied instead, and
        // stays selected for a long press if that fails too.
        selectText(el);
        var ok = false;
        try { ok = doc.execCommand("copy"); } catch (err) { ok = false; }
        if (ok) done(); else say(btn, btn.getAttribute("data-copy-failed"));
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else {
        fallback();
      }
    });
  });

  /* ---------------- attachments ---------------- */

  function fill(tpl) {
    var args = Array.prototype.slice.call(arguments, 1);
    return (tpl || "").replace(/%[ds]/g, function () { return args.length ? String(args.shift()) : ""; });
  }

  // problem returns what is wrong with the files chosen in input, or "".
  function problem(input) {
    var files = input.files;
    if (!files) return "";
    var mb = 1024 * 1024;
    var maxFiles = +input.getAttribute("data-max-files");
    var maxFile = +input.getAttribute("data-max-file");
    var maxTotal = +input.getAttribute("data-max-total");
    if (files.length > maxFiles) return fill(input.getAttribute("data-msg-count"), maxFiles);
    var total = 0;
    for (var i = 0; i < files.length; i++) {
      if (files[i].size > maxFile * mb) return fill(input.getAttribute("data-msg-file"), files[i].name, maxFile);
      total += files[i].size;
    }
    if (total > maxTotal * mb) return fill(input.getAttribute("data-msg-total"), maxTotal);
    return "";
  }

  // show puts msg under the input as its error ("" clears it).
  function show(input, msg) {
    var field = input.closest(".field");
    if (!field) return;
    var id = input.id + "-js-err";
    var p = doc.getElementById(id);
    if (!msg) {
      if (p) p.parentNode.removeChild(p);
      if (!field.querySelector(".error")) field.classList.remove("has-error");
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!p) {
      p = doc.createElement("p");
      p.className = "error";
      p.id = id;
      p.setAttribute("role", "alert");
      field.appendChild(p);
    }
    p.textContent = msg;
    field.classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
  }

  doc.addEventListener("change", function (e) {
    var input = e.target;
    if (input.matches && input.matches("input[data-csp-files]")) show(input, problem(input));
  });

  doc.addEventListener("submit", function (e) {
    var form = e.target;
    var submitter = e.submitter;
    // The place picker's buttons send no files: nothing to check.
    if (submitter && submitter.getAttribute("formenctype")) return;
    var inputs = form.querySelectorAll("input[data-csp-files]");
    for (var i = 0; i < inputs.length; i++) {
      var msg = problem(inputs[i]);
      if (msg) {
        e.preventDefault();
        show(inputs[i], msg);
        inputs[i].focus();
        return;
      }
    }
    if (form.classList.contains("csp-form") || form.enctype === "multipart/form-data") {
      // One report, however often the button is tapped while it uploads.
      var btn = submitter || form.querySelector("button[type=submit]:not([disabled])");
      if (btn) window.setTimeout(function () { btn.disabled = true; }, 0);
    }
  });

  // A page restored from the back-forward cache gets its buttons back.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(doc.querySelectorAll(".csp form button[type=submit]:not(.csp-noenter)"), function (b) { b.disabled = false; });
  });
})();
