/*
 * jiceng — page behaviour. Loaded with `defer` after htmx (and ECharts on pages
 * with charts). The site runs under a strict Content-Security-Policy, so this
 * file holds all script: pages carry no inline handlers and no style attributes.
 *
 *   [data-chart="ID"]          render the JSON in <script type="application/json" id="ID"> with ECharts
 *   [data-chart-table="none"]  (on the chart) skip the generated data table
 *   form[data-confirm="…"]     ask before submitting; also on a submit button
 *   [data-autosubmit]          submit the form when a select / input changes
 *   [data-print]               button that prints the page
 *   .tree .toggle              expand / collapse a subtree (children loaded by htmx)
 *   .table-wrap                focusable (tabindex 0) while its table scrolls, for the keyboard
 *   .sidebar nav, .topbar .scope   on a phone: the current entry scrolled into view, the edges
 *                              with more entries faded (more-start / more-end)
 *   [data-picker], [data-region-picker]  organization search box and cascading region selects
 *   /vote#c=CODE               a ballot slip's QR code: the code, in the fragment that no browser
 *                              sends to a server, is cleared from the address and posted at once,
 *                              replacing the history entry of the QR address; a /vote page
 *                              restored from the back-forward cache is loaded again
 */
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  root.classList.add("js");

  var lang = (root.getAttribute("lang") || "zh-CN").toLowerCase();
  var zh = lang.indexOf("zh") === 0;
  var words = zh
    ? { data: "数据表", colon: "：", name: "名称", value: "数值", share: "占比", total: "合计", noData: "暂无数据", unit: "单位：" }
    : { data: "Data table", colon: ": ", name: "Name", value: "Value", share: "Share", total: "Total", noData: "No data", unit: "" };

  var numberFormat = new Intl.NumberFormat(zh ? "zh-CN" : "en", { maximumFractionDigits: 2 });
  function fmt(n) {
    return typeof n === "number" && isFinite(n) ? numberFormat.format(n) : String(n == null ? "" : n);
  }
  function pct(part, whole) {
    if (!whole) return "0%";
    return (Math.round((part / whole) * 1000) / 10).toFixed(1) + "%";
  }

  // Only same-site paths may be followed from chart data.
  function safeHref(h) {
    return typeof h === "string" && /^(\/(?![\/\\])|\?)/.test(h) ? h : "";
  }

  /* ---------------- charts ---------------- */

  function cssVar(name, fallback) {
    var v = getComputedStyle(root).getPropertyValue(name).trim();
    return v || fallback;
  }

  function theme() {
    var palette = [];
    var fallback = ["#C8161E", "#D4A017", "#5B7189", "#E4686D", "#8E1016", "#9AA3AE", "#E9C46A", "#34495E"];
    for (var i = 1; i <= 8; i++) palette.push(cssVar("--chart-" + i, fallback[i - 1]));
    return {
      palette: palette,
      red: cssVar("--red", "#C8161E"),
      redDark: cssVar("--red-dark", "#A4121A"),
      ink: cssVar("--ink", "#1F2329"),
      ink2: cssVar("--ink-2", "#4E5969"),
      muted: cssVar("--muted", "#5F6672"),
      line: cssVar("--line", "#E5E6EB"),
      font: cssVar("--font", "sans-serif")
    };
  }

  function readSpec(id) {
    var el = id && doc.getElementById(id);
    if (!el) return null;
    try {
      var spec = JSON.parse(el.textContent);
      // html/template renders a Go string as a JSON string: accept that too.
      if (typeof spec === "string") spec = JSON.parse(spec);
      if (!spec || !Array.isArray(spec.items)) return null;
      spec.items = spec.items.filter(function (it) { return it && it.name != null; }).map(function (it) {
        return { name: String(it.name), value: Number(it.value) || 0, href: safeHref(it.href) };
      });
      return spec;
    } catch (e) {
      return null;
    }
  }

  function escapeHTML(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // wrapWords breaks a label at its spaces into lines of about 12 characters:
  // upright labels have no width to break at, and long English names side by
  // side would otherwise overlap and be hidden. Chinese names have no spaces
  // and stay on one line.
  function wrapWords(name) {
    var lines = [], line = "";
    String(name).split(" ").forEach(function (w) {
      if (line && line.length + 1 + w.length > 12) {
        lines.push(line);
        line = w;
      } else {
        line = line ? line + " " + w : w;
      }
    });
    lines.push(line);
    return lines.join("\n");
  }

  function chartOption(spec, t, narrow) {
    var unit = spec.unit || "";
    var items = spec.items;
    var hasLinks = items.some(function (it) { return it.href; });
    var total = items.reduce(function (s, it) { return s + it.value; }, 0);
    var percent = unit === "%";
    var withUnit = function (v) { return fmt(v) + (percent ? "%" : unit ? " " + unit : ""); };
    var short = function (v) { return fmt(v) + (percent ? "%" : ""); };
    var anim = !(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

    var option = {
      color: t.palette,
      animation: anim,
      animationDuration: 500,
      textStyle: { fontFamily: t.font, color: t.ink2 },
      aria: { enabled: true },
      // A chart under a heading that already names it (data-chart-title="none") does not
      // draw its title again; the hidden title still names the chart to screen readers.
      title: spec.headed ? { show: false, text: spec.title } : spec.title ? {
        text: spec.title,
        left: 0,
        top: 0,
        textStyle: { fontSize: 13, fontWeight: 600, color: t.ink2, fontFamily: t.font }
      } : undefined,
      tooltip: {
        confine: true,
        borderColor: t.line,
        textStyle: { color: t.ink, fontFamily: t.font, fontSize: 13 },
        extraCssText: "box-shadow:0 4px 14px rgba(31,35,41,.12);border-radius:6px;"
      }
    };
    var drawn = spec.title && !spec.headed;
    var top = drawn ? 40 : 12;

    if (spec.type === "pie") {
      // Donut with the total in the middle and a legend that names every slice with its
      // figure and share (labels beside the ring collide when many slices are small).
      var cx = narrow ? "50%" : "30%";
      var cy = narrow ? "42%" : (drawn ? "56%" : "50%");
      option.tooltip.trigger = "item";
      option.tooltip.formatter = function (p) {
        return escapeHTML(p.name) + "<br><b>" + escapeHTML(withUnit(p.value)) + "</b>　" + pct(p.value, total);
      };
      if (!percent) {
        option.title = [option.title || { show: false }, {
          text: fmt(total),
          // In English the unit takes a line of its own: "Total (members)" is
          // wider than the ring's hole.
          subtext: words.total + (unit ? (zh ? "（" + unit + "）" : "\n(" + unit + ")") : ""),
          left: cx,
          top: cy,
          textAlign: "center",
          textVerticalAlign: "middle",
          itemGap: 2,
          textStyle: { fontSize: narrow ? 18 : 22, fontWeight: 700, color: t.ink, fontFamily: t.font },
          subtextStyle: { fontSize: 12, color: t.muted, fontFamily: t.font }
        }];
      }
      var byName = {};
      items.forEach(function (it) { byName[it.name] = it; });
      option.legend = narrow ? {
        bottom: 0,
        left: "center",
        icon: "circle",
        itemWidth: 10,
        itemHeight: 10,
        itemGap: 12,
        textStyle: { color: t.ink2, fontSize: 12 },
        formatter: function (name) {
          var it = byName[name];
          return it ? name + " " + pct(it.value, total) : name;
        }
      } : {
        orient: "vertical",
        left: "58%",
        top: "middle",
        icon: "circle",
        itemWidth: 10,
        itemHeight: 10,
        itemGap: 12,
        textStyle: {
          color: t.ink2,
          fontSize: 13,
          rich: {
            n: { width: 88, color: t.ink2, fontSize: 13, overflow: "truncate" },
            v: { width: 64, align: "right", color: t.ink, fontSize: 13, fontWeight: 600 },
            p: { width: 56, align: "right", color: t.muted, fontSize: 12 }
          }
        },
        formatter: function (name) {
          var it = byName[name];
          if (!it) return name;
          return "{n|" + name + "}{v|" + fmt(it.value) + "}{p|" + pct(it.value, total) + "}";
        }
      };
      // Largest share first, so the theme red marks the biggest part.
      var slices = items.map(function (it, i) { return { name: it.name, value: it.value, index: i }; })
        .sort(function (a, b) { return b.value - a.value; });
      option.series = [{
        type: "pie",
        radius: narrow ? ["40%", "62%"] : ["46%", "70%"],
        center: [cx, cy],
        cursor: hasLinks ? "pointer" : "default",
        itemStyle: { borderColor: "#fff", borderWidth: 2 },
        label: { show: false },
        labelLine: { show: false },
        emphasis: { scale: true, scaleSize: 5 },
        data: slices
      }];
      return option;
    }

    // On a phone, many bars read better lying down.
    var horizontal = spec.type === "hbar" || (narrow && items.length > 5);
    var names = items.map(function (it) { return it.name; });
    var valueAxis = {
      type: "value",
      // "单位：个": a lone 个 over the axis reads as an arrow.
      name: percent || !unit ? "" : words.unit + unit,
      nameTextStyle: { color: t.muted, fontSize: 12 },
      axisLabel: { color: t.muted, formatter: function (v) { return short(v); } },
      max: percent && !spec.change && items.every(function (it) { return it.value <= 100; }) ? 100 : null,
      splitLine: { lineStyle: { color: t.line, type: "dashed" } },
      minInterval: 1
    };
    var rotate = !horizontal && (items.length > 8 || (narrow && items.length > 4)) ? 35 : 0;
    var categoryAxis = {
      type: "category",
      data: names,
      inverse: horizontal,
      axisTick: { show: false },
      axisLine: { lineStyle: { color: t.line } },
      axisLabel: {
        color: t.ink2,
        interval: 0,
        rotate: rotate,
        width: horizontal ? (narrow ? 84 : 140) : (rotate ? 90 : undefined),
        overflow: horizontal || rotate ? "truncate" : "break",
        formatter: horizontal || rotate ? undefined : wrapWords,
        lineHeight: 16,
        hideOverlap: !horizontal
      }
    };
    if (horizontal) valueAxis.nameLocation = "end";
    // A phone's value axis lying down has room for a few numbers only.
    if (horizontal && narrow) valueAxis.splitNumber = 3;

    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: "shadow", shadowStyle: { color: "rgba(200,22,30,.06)" } };
    option.tooltip.formatter = function (ps) {
      var p = ps[0];
      return escapeHTML(p.name) + "<br><b>" + escapeHTML(withUnit(p.value)) + "</b>";
    };
    // ECharts 6 keeps axis labels inside the chart by itself (grid.outerBoundsMode "auto");
    // containLabel keeps ECharts 5 doing the same.
    // Wrapped labels leave their last line's descenders below the measured box.
    var wrapped = !horizontal && !rotate && names.some(function (n) { return wrapWords(n).indexOf("\n") >= 0; });
    option.grid = { left: 4, right: horizontal ? 56 : 12, top: top + (horizontal ? 8 : 22), bottom: wrapped ? 10 : 4, containLabel: !isV6 };
    if (wrapped && isV6) option.grid.outerBounds = { left: 0, right: 0, top: 0, bottom: 6 };
    option.xAxis = horizontal ? valueAxis : categoryAxis;
    option.yAxis = horizontal ? categoryAxis : valueAxis;
    option.series = [{
      type: "bar",
      barMaxWidth: horizontal ? 22 : 40,
      cursor: hasLinks ? "pointer" : "default",
      itemStyle: {
        color: t.red,
        borderRadius: horizontal ? [0, 3, 3, 0] : [3, 3, 0, 0]
      },
      emphasis: { itemStyle: { color: t.redDark } },
      label: {
        show: true,
        position: horizontal ? "right" : "top",
        color: t.ink,
        fontSize: 12,
        formatter: function (p) { return short(p.value); }
      },
      data: items.map(function (it) { return it.value; })
    }];
    return option;
  }

  function dataTable(spec) {
    var details = doc.createElement("details");
    details.className = "chart-data";
    var summary = doc.createElement("summary");
    summary.textContent = words.data + (spec.title ? words.colon + spec.title : "");
    details.appendChild(summary);

    var wrap = doc.createElement("div");
    wrap.className = "table-wrap";
    var table = doc.createElement("table");
    table.className = "list";
    var total = spec.items.reduce(function (s, it) { return s + it.value; }, 0);
    var unit = !spec.unit || spec.unit === "%" ? "" : zh ? "（" + spec.unit + "）" : " (" + spec.unit + ")";

    function row(parent, cells, tag) {
      var tr = doc.createElement("tr");
      cells.forEach(function (c) {
        var cell = doc.createElement(tag);
        if (c.num) cell.className = "num";
        if (c.href) {
          var a = doc.createElement("a");
          a.href = c.href;
          a.textContent = c.text;
          cell.appendChild(a);
        } else {
          cell.textContent = c.text;
        }
        tr.appendChild(cell);
      });
      parent.appendChild(tr);
    }
    // Rates do not add up: a chart in % gets neither a share column nor a total.
    var additive = spec.unit !== "%";
    var thead = doc.createElement("thead");
    var head = [{ text: words.name }, { text: words.value + unit, num: true }];
    if (additive) head.push({ text: words.share, num: true });
    row(thead, head, "th");
    var tbody = doc.createElement("tbody");
    spec.items.forEach(function (it) {
      var cells = [{ text: it.name, href: it.href }, { text: fmt(it.value) + (additive ? "" : "%"), num: true }];
      if (additive) cells.push({ text: pct(it.value, total), num: true });
      row(tbody, cells, "td");
    });
    table.appendChild(thead);
    table.appendChild(tbody);
    if (additive) {
      var tfoot = doc.createElement("tfoot");
      row(tfoot, [{ text: words.total }, { text: fmt(total), num: true }, { text: total ? "100.0%" : "0%", num: true }], "td");
      table.appendChild(tfoot);
    }
    wrap.appendChild(table);
    details.appendChild(wrap);
    return details;
  }

  var charts = [];
  // A donut needs room for its legend beside it; bars need less.
  function isNarrow(el, spec) {
    return el.clientWidth < (spec.type === "pie" ? 520 : 480);
  }
  var isV6 = !!(window.echarts && parseInt(window.echarts.version, 10) >= 6);

  function initCharts(scope) {
    var els = (scope || doc).querySelectorAll("[data-chart]:not([data-chart-ready])");
    if (!els.length) return;
    var t = theme();
    Array.prototype.forEach.call(els, function (el) {
      el.setAttribute("data-chart-ready", "");
      var spec = readSpec(el.getAttribute("data-chart"));
      if (!spec) return;
      spec.headed = el.getAttribute("data-chart-title") === "none";

      var table = null;
      if (el.getAttribute("data-chart-table") !== "none") {
        table = dataTable(spec);
        el.parentNode.insertBefore(table, el.nextSibling);
      }
      if (!window.echarts) {
        // Without the chart library the data table is the chart.
        if (table) table.open = true;
        el.hidden = true;
        return;
      }
      if (!spec.items.length) {
        el.classList.add("empty");
        el.textContent = words.noData;
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "svg", locale: zh ? "ZH" : "EN" });
      chart.setOption(chartOption(spec, t, isNarrow(el, spec)));
      chart.on("click", function (p) {
        var i = p.data && typeof p.data.index === "number" ? p.data.index : p.dataIndex;
        var it = spec.items[i];
        if (it && it.href) window.location.assign(it.href);
      });
      charts.push({ el: el, chart: chart, spec: spec, narrow: isNarrow(el, spec) });
      // A card that changes width (sidebar, grid, print) redraws its chart.
      if (window.ResizeObserver) new ResizeObserver(resizeAll).observe(el);
    });
  }

  function resizeOne(c) {
    if (!c || !c.el.isConnected) return;
    var narrow = isNarrow(c.el, c.spec);
    if (narrow !== c.narrow) {
      c.narrow = narrow;
      c.chart.setOption(chartOption(c.spec, theme(), narrow), true);
    }
    c.chart.resize({ animation: { duration: 0 } });
    // Draw now: while printing the browser runs no animation frames, so a resize
    // left to the next frame would never reach the paper.
    var zr = c.chart.getZr && c.chart.getZr();
    if (zr && zr.flush) zr.flush();
  }

  var pending = 0;
  function resizeAll() {
    if (pending) return;
    pending = window.requestAnimationFrame(function () {
      pending = 0;
      charts = charts.filter(function (c) {
        if (c.el.isConnected) return true;
        c.chart.dispose();
        return false;
      });
      charts.forEach(resizeOne);
    });
  }
  function resizeNow() {
    charts.forEach(resizeOne);
  }
  window.addEventListener("resize", resizeAll);
  // Printing lays the page out at A4 width: draw the charts again at that size.
  window.addEventListener("beforeprint", resizeNow);
  window.addEventListener("afterprint", resizeNow);
  if (window.matchMedia) {
    var printQuery = window.matchMedia("print");
    if (printQuery.addEventListener) printQuery.addEventListener("change", resizeNow);
  }

  /* ---------------- confirm, auto-submit, print ---------------- */

  doc.addEventListener("submit", function (e) {
    var form = e.target;
    var submitter = e.submitter;
    var msg = (submitter && submitter.getAttribute("data-confirm")) || (form.getAttribute && form.getAttribute("data-confirm"));
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);

  doc.addEventListener("change", function (e) {
    var el = e.target;
    if (!el.hasAttribute || !el.hasAttribute("data-autosubmit") || !el.form) return;
    var form = el.form;
    // A changed filter starts again at page 1.
    var page = form.querySelector("input[name='page']");
    if (page) page.value = "1";
    if (form.requestSubmit) form.requestSubmit();
    else form.submit();
  });

  doc.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-print]");
    if (el) {
      e.preventDefault();
      window.print();
    }
  });

  /* ---------------- tree ---------------- */

  // The subtree of a node is the <ul class="tree"> directly inside its <li>.
  function subtree(toggle) {
    var li = toggle.closest("li");
    if (!li) return null;
    for (var c = li.firstElementChild; c; c = c.nextElementSibling) {
      if (c.tagName === "UL" && c.classList.contains("tree")) return c;
    }
    return null;
  }

  function setExpanded(toggle, open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    var ul = subtree(toggle);
    if (ul) ul.hidden = !open;
  }

  doc.addEventListener("click", function (e) {
    var toggle = e.target.closest && e.target.closest(".tree .toggle");
    if (!toggle) return;
    var ul = subtree(toggle);
    if (ul) {
      setExpanded(toggle, toggle.getAttribute("aria-expanded") !== "true");
    } else if (toggle.hasAttribute("hx-get")) {
      // htmx is loading the children; show the node as opening.
      toggle.setAttribute("aria-expanded", "true");
    }
  });

  // Children already loaded: do not fetch them again, just show or hide them.
  doc.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (elt && elt.matches && elt.matches(".tree .toggle") && subtree(elt)) e.preventDefault();
  });

  doc.addEventListener("htmx:afterRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (!elt || !elt.matches || !elt.matches(".tree .toggle")) return;
    if (!e.detail.successful) {
      elt.setAttribute("aria-expanded", "false");
      return;
    }
    window.setTimeout(function () {
      if (subtree(elt)) {
        setExpanded(elt, true);
      } else {
        // The node has no children after all.
        elt.setAttribute("aria-expanded", "false");
        elt.removeAttribute("hx-get");
        elt.removeAttribute("aria-expanded");
        elt.className = "leaf";
        elt.disabled = true;
      }
    }, 0);
  });

  /* ---------------- ballot code in the address ---------------- */

  // The code leaves the address before anything else can read it. The
  // address is cleared at once; then the form posts the code. Submitted
  // before the page has finished loading, the post replaces the history
  // entry of the QR address rather than adding one after it, so that not
  // even the URL Chromium keeps as "typed" for that entry survives.
  (function () {
    var hash = window.location.hash;
    if (window.location.pathname !== "/vote" || !hash) return;
    if (window.history && window.history.replaceState) window.history.replaceState(null, "", "/vote");
    else window.location.hash = "";
    var m = /^#c=([^&]*)/.exec(hash);
    if (!m) return;
    var code;
    try { code = decodeURIComponent(m[1]); } catch (err) { code = m[1]; }
    var input = doc.getElementById("code");
    if (!input || !/^[0-9A-Za-z*~$=-]{1,64}$/.test(code)) return;
    input.value = code;
    if (input.form) input.form.submit();
  })();

  // A ballot page restored from the back-forward cache would show the
  // answers of a vote already cast to whoever presses Back on a shared
  // phone. The pages are sent no-store, which keeps them out of that cache
  // today; should a browser keep one anyway, it is loaded again from the
  // server, which knows the draft went with the vote.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && window.location.pathname.indexOf("/vote") === 0) window.location.reload();
  });

  /* ---------------- scrolling tables ---------------- */

  // A table wider or taller than its frame scrolls inside .table-wrap; a
  // keyboard user reaches the hidden part only if the frame takes the focus
  // (WCAG 2.1.1; axe scrollable-region-focusable). Whether it scrolls depends
  // on the screen and the language (English labels are longer), so the frame
  // is made focusable only while it does.
  function scrollFocus(scope) {
    var wraps = (scope && scope.querySelectorAll ? scope : doc).querySelectorAll(".table-wrap");
    Array.prototype.forEach.call(wraps, function (w) {
      var scrolls = w.scrollWidth > w.clientWidth + 1 || w.scrollHeight > w.clientHeight + 1;
      if (scrolls && !w.hasAttribute("tabindex")) w.setAttribute("tabindex", "0");
      else if (!scrolls && w.getAttribute("tabindex") === "0") w.removeAttribute("tabindex");
    });
  }
  var scrollPending = 0;
  window.addEventListener("resize", function () {
    if (scrollPending) return;
    scrollPending = window.requestAnimationFrame(function () { scrollPending = 0; scrollFocus(); });
  });

  /* ---------------- the ballot: progress, folding, the first gap ---------------- */

  // The server does all of this too (progress, the subject left open, the
  // first gap marked and anchored); the script keeps the progress current
  // while answering, folds a subject once its last item is answered and
  // opens the next one, and finds a gap before the form is sent.
  (function () {
    var form = doc.querySelector("form.evp-ballot");
    if (!form) return;
    var subjects = Array.prototype.slice.call(form.querySelectorAll("section.evp-subject"));
    function items(sec) { return Array.prototype.slice.call(sec.querySelectorAll(".evp-q")); }
    function answered(q) {
      var num = q.querySelector("input[type=number]");
      if (num) return num.value.trim() !== "";
      return !!q.querySelector("input[type=radio]:checked");
    }
    function fill(tpl, a, b) { return (tpl || "").replace("%d", a).replace("%d", b); }
    function progress(sec) {
      var qs = items(sec), n = qs.filter(answered).length;
      var p = sec.querySelector(".evp-progress");
      if (p) {
        p.textContent = n + "/" + qs.length;
        p.setAttribute("aria-label", fill(form.getAttribute("data-progress"), n, qs.length));
      }
      sec.classList.toggle("done", n === qs.length);
      if (n === qs.length) sec.classList.remove("missing");
      return n;
    }
    function open(sec, on) { var d = sec.querySelector("details"); if (d) d.open = on; }
    form.addEventListener("change", function (e) {
      var sec = e.target.closest("section.evp-subject");
      if (!sec) return;
      var q = e.target.closest(".evp-q");
      if (q && answered(q)) q.classList.remove("has-error");
      var msg = form.querySelector(".evp-missing");
      if (msg && !msg.hidden && !form.querySelector(".evp-q.has-error")) msg.hidden = true;
      var was = sec.classList.contains("done");
      var n = progress(sec);
      if (was || e.target.type !== "radio" || n !== items(sec).length) return;
      var next = null;
      for (var i = subjects.indexOf(sec) + 1; i < subjects.length && !next; i++) {
        if (!subjects[i].classList.contains("done")) next = subjects[i];
      }
      open(sec, false);
      if (next) {
        open(next, true);
        next.scrollIntoView({ block: "start" });
      } else {
        sec.scrollIntoView({ block: "nearest" });
      }
    });
    form.addEventListener("submit", function (e) {
      var skippable = form.getAttribute("data-skippable") === "1";
      var gap = null, missing = 0, rated = 0;
      subjects.forEach(function (sec) {
        var n = progress(sec);
        if (n > 0) rated++;
        if (n === 0 && skippable) return;
        items(sec).forEach(function (q) {
          if (answered(q)) return;
          missing++;
          q.classList.add("has-error");
          sec.classList.add("missing");
          if (!gap) gap = q;
        });
      });
      if (!gap && rated === 0 && subjects.length) { gap = subjects[0]; missing = 1; }
      if (!gap) return;
      e.preventDefault();
      var old = doc.getElementById("gap");
      if (old) old.removeAttribute("id");
      gap.id = "gap";
      var sec = gap.closest("section.evp-subject") || gap;
      open(sec, true);
      var msg = form.querySelector(".evp-missing");
      if (msg) { msg.textContent = fill(form.getAttribute("data-missing"), missing); msg.hidden = false; }
      gap.scrollIntoView({ block: "center" });
      var input = gap.querySelector("input");
      if (input) input.focus({ preventScroll: true });
    });
  })();

  /* ---------------- strips that scroll sideways on a phone ---------------- */
  // The module tabs and the breadcrumb become one-line strips on a narrow screen. The
  // current entry is scrolled into view (the page itself does not move), and the edge
  // where more entries wait fades out (classes more-start / more-end), so that a strip
  // never looks complete when it is not.
  function initStrips() {
    var strips = doc.querySelectorAll(".sidebar nav, .topbar .scope");
    Array.prototype.forEach.call(strips, function (strip) {
      function mark() {
        var max = strip.scrollWidth - strip.clientWidth;
        var x = Math.abs(strip.scrollLeft);
        strip.classList.toggle("more-start", max > 1 && x > 1);
        strip.classList.toggle("more-end", max > 1 && x < max - 1);
      }
      var current = strip.querySelector("a.active, [aria-current=page]");
      if (current && strip.scrollWidth > strip.clientWidth) {
        var s = strip.getBoundingClientRect(), c = current.getBoundingClientRect();
        // Centred; an entry wider than the strip (a long page name) shows its start.
        strip.scrollLeft += c.width < s.width - 96 ? (c.left + c.width / 2) - (s.left + s.width / 2) : c.left - s.left - 24;
      }
      mark();
      strip.addEventListener("scroll", mark, { passive: true });
      window.addEventListener("resize", mark);
    });
  }

  /* ---------------- organization and region pickers ---------------- */

  // [data-picker="/pick/orgs?field=…"] is a combobox: typing asks the server for the organizations
  // that match (the options of a list box, each with its path); ↓ ↑ move, Enter or a click picks,
  // Esc closes. The chosen id goes to the hidden [data-pick-id]; typing again clears it, and the
  // server then settles the typed text itself (as it does for a browser without JavaScript).
  function initPicker(box) {
    if (box.getAttribute("data-picker-ready")) return;
    box.setAttribute("data-picker-ready", "1");
    var src = box.getAttribute("data-picker");
    var input = box.querySelector("[data-pick-q]");
    var hidden = box.querySelector("[data-pick-id]");
    var list = box.querySelector("[role=listbox]");
    var chosen = box.querySelector(".pick-chosen");
    if (!src || !input || !hidden || !list) return;
    var timer = 0, seq = 0, active = -1, swallow = false;
    function opts() { return list.querySelectorAll("[data-value]"); }
    function show(open) {
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open) { active = -1; input.removeAttribute("aria-activedescendant"); }
    }
    function mark(i) {
      var os = opts();
      if (!os.length) return;
      active = (i + os.length) % os.length;
      for (var j = 0; j < os.length; j++) os[j].setAttribute("aria-selected", j === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", os[active].id);
      os[active].scrollIntoView({ block: "nearest" });
    }
    function pick(o) {
      hidden.value = o.getAttribute("data-value");
      input.value = o.getAttribute("data-name");
      if (chosen) {
        chosen.textContent = "";
        var path = o.querySelector(".pick-path");
        if (path) chosen.appendChild(path.cloneNode(true));
      }
      var radios = box.querySelector(".pick-choices");
      if (radios) radios.parentNode.removeChild(radios);
      input.removeAttribute("aria-invalid");
      show(false);
    }
    function search() {
      var mine = ++seq;
      fetch(src + "&q=" + encodeURIComponent(input.value.trim()), { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (mine !== seq) return;
          // New options: none is active until ↓ or ↑ marks one, so Enter never picks an unseen one.
          active = -1;
          input.removeAttribute("aria-activedescendant");
          list.innerHTML = html;
          show(doc.activeElement === input && list.children.length > 0);
        })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      if (chosen) chosen.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", function () { if (!hidden.value) search(); });
    input.addEventListener("blur", function () { setTimeout(function () { show(false); }, 150); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) { search(); return; }
        mark(active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter" && !list.hidden) {
        var os = opts();
        if (active < 0 && os.length === 1) active = 0;
        if (active >= 0 && os[active]) { e.preventDefault(); pick(os[active]); swallow = true; }
      } else if (e.key === "Escape" && !list.hidden) {
        e.preventDefault();
        show(false);
      }
    });
    // The Enter that picked must not also submit the form: a browser submits on the keypress, which a
    // cancelled keydown normally suppresses but a key sent as separate down and char events does not.
    input.addEventListener("keypress", function (e) { if (e.key === "Enter" && swallow) e.preventDefault(); });
    input.addEventListener("keyup", function (e) { if (e.key === "Enter") swallow = false; });
    list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    list.addEventListener("click", function (e) {
      var o = e.target.closest("[data-value]");
      if (o) pick(o);
    });
  }

  // [data-region-picker]: one select per level, county down to village; choosing a place loads the
  // places under it into the next select, and the village chosen fills the code field.
  function initRegion(box) {
    if (box.getAttribute("data-picker-ready")) return;
    box.setAttribute("data-picker-ready", "1");
    var selects = box.querySelectorAll("select[data-region-level]");
    var code = box.querySelector("[data-region-code]");
    if (!selects.length || !code) return;
    function reset(sel) {
      sel.textContent = "";
      var o = doc.createElement("option");
      o.value = "";
      o.textContent = sel.getAttribute("aria-label");
      sel.appendChild(o);
      sel.disabled = true;
    }
    Array.prototype.forEach.call(selects, function (sel, i) {
      sel.addEventListener("change", function () {
        for (var j = i + 1; j < selects.length; j++) reset(selects[j]);
        var last = i === selects.length - 1;
        code.value = last ? sel.value : "";
        if (!sel.value || last) return;
        var next = selects[i + 1];
        fetch("/pick/regions?parent=" + encodeURIComponent(sel.value), { credentials: "same-origin", headers: { "HX-Request": "true" } })
          .then(function (r) { return r.ok ? r.text() : ""; })
          .then(function (html) {
            if (!html || sel.value === "") return;
            next.innerHTML = html;
            next.options[0].textContent = next.getAttribute("aria-label");
            next.disabled = false;
          })
          .catch(function () {});
      });
    });
  }

  function initPickers(rootEl) {
    var base = rootEl || doc;
    Array.prototype.forEach.call(base.querySelectorAll("[data-picker]"), initPicker);
    Array.prototype.forEach.call(base.querySelectorAll("[data-region-picker]"), initRegion);
  }

  /* ---------------- start ---------------- */

  doc.addEventListener("htmx:load", function (e) { initCharts(e.target); scrollFocus(e.target); initPickers(e.target); });
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", function () { initCharts(); scrollFocus(); initStrips(); initPickers(); });
  else { initCharts(); scrollFocus(); initStrips(); initPickers(); }
})();
