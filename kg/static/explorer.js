/* kg explorer: the side panel of the graph page written by kg.html.
 *
 * pyvis's script has already created the globals `network`, `nodes` and `edges` (vis-network
 * and its DataSets, ids = indexes into the arrays of the page's JSON, #kg-data). This script
 * builds the panel from that JSON and filters by setting `hidden` on nodes and edges, so that
 * the layout stays put while filtering. Text from the graph goes into the page with
 * textContent only (never innerHTML): hostile names or sentences show as text.
 */
(function () {
  "use strict";

  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const MODALITIES = ["asserted", "reported", "hypothetical", "negated"];
  const FACTUAL = new Set(["asserted", "reported"]);
  const DASHES = { hypothetical: [8, 6], negated: [2, 5] };

  const state = {
    relations: new Set(data.edges.map((e) => e.relation)),
    classes: new Set(data.nodes.map((n) => n.cls)),
    modalities: new Set(MODALITIES.filter((m) => !data.hiddenModalities.includes(m))),
    article: "",
    minDegree: 0,
  };
  // Exposed for tests, benchmarks and the curious in the browser console.
  const kg = { network, data, state, drawn: { nodes: 0, edges: 0 }, timing: {}, settled: false };
  window.kg = kg;

  network.once("afterDrawing", () => {
    kg.timing.firstDraw = performance.now();
  });
  function settle() {
    network.setOptions({ physics: false }); // a settled layout stays still
    kg.timing.settled = performance.now();
    kg.settled = true;
  }
  // vis-network runs no stabilization, so sends no event, for an empty graph.
  if (data.nodes.length) network.once("stabilizationIterationsDone", settle);
  else settle();

  // ---- DOM helpers: properties and text only ------------------------------------------
  function el(tag, props, ...children) {
    const node = Object.assign(document.createElement(tag), props || {});
    node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }
  const byId = (id) => document.getElementById(id);
  const countBy = (items, key) =>
    items.reduce((m, x) => m.set(key(x), (m.get(key(x)) || 0) + 1), new Map());
  const plural = (n, one, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
  const swatch = (colour) => {
    const s = el("span", { className: "kg-swatch" });
    s.style.background = colour;
    return s;
  };

  // ---- filters -----------------------------------------------------------------------
  function shownStatements(edge) {
    return edge.statements.filter((i) => {
      const s = data.statements[i];
      return state.modalities.has(s.modality) && (!state.article || s.article === state.article);
    });
  }

  function dashesOf(statements) {
    const modalities = new Set(statements.map((i) => data.statements[i].modality));
    if ([...modalities].some((m) => FACTUAL.has(m))) return false;
    return modalities.has("hypothetical") ? DASHES.hypothetical : DASHES.negated;
  }

  function applyFilters() {
    const classOk = data.nodes.map((n) => state.classes.has(n.cls));
    const degree = new Array(data.nodes.length).fill(0);
    const candidates = data.edges.map((e) => {
      const statements = shownStatements(e);
      const ok =
        state.relations.has(e.relation) &&
        classOk[e.from] &&
        classOk[e.to] &&
        statements.length > 0;
      if (ok) {
        degree[e.from] += 1;
        if (e.to !== e.from) degree[e.to] += 1;
      }
      return ok ? statements : null;
    });
    const nodeShown = data.nodes.map(
      (n, i) =>
        classOk[i] &&
        degree[i] >= state.minDegree &&
        (!state.article || degree[i] > 0 || n.articles.includes(state.article)),
    );
    const edgeShown = data.edges.map(
      (e, i) => candidates[i] !== null && nodeShown[e.from] && nodeShown[e.to],
    );
    nodes.update(data.nodes.map((n, i) => ({ id: i, hidden: !nodeShown[i] })));
    edges.update(
      data.edges.map((e, i) => ({
        id: i,
        hidden: !edgeShown[i],
        dashes: edgeShown[i] ? dashesOf(candidates[i]) : false,
      })),
    );
    kg.drawn = {
      nodes: nodeShown.filter(Boolean).length,
      edges: edgeShown.filter(Boolean).length,
    };
    byId("kg-drawn").textContent =
      `Drawn: ${plural(kg.drawn.nodes, "entity", "entities")}, ${plural(kg.drawn.edges, "relation")}`;
  }

  function checkList(listId, selected, entries) {
    const list = byId(listId);
    list.kgSelected = selected;
    for (const entry of entries) {
      const box = el("input", { type: "checkbox", checked: selected.has(entry.value) });
      box.kgValue = entry.value;
      box.addEventListener("change", () => {
        if (box.checked) selected.add(entry.value);
        else selected.delete(entry.value);
        applyFilters();
      });
      list.append(
        el(
          "li",
          null,
          el(
            "label",
            { title: entry.label },
            box,
            entry.marker,
            el("span", { className: "kg-name", textContent: entry.label }),
            el("span", { className: "kg-count", textContent: entry.count.toLocaleString("en") }),
          ),
        ),
      );
    }
  }

  function setAll(listId, on) {
    const list = byId(listId);
    for (const box of list.querySelectorAll("input[type=checkbox]")) {
      box.checked = on;
      if (on) list.kgSelected.add(box.kgValue);
      else list.kgSelected.delete(box.kgValue);
    }
    applyFilters();
  }

  function buildFilters() {
    const classCounts = countBy(data.nodes, (n) => n.cls);
    checkList(
      "kg-classes",
      state.classes,
      [...classCounts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([cls, count]) => ({
          value: cls,
          label: cls,
          count,
          marker: swatch(data.classColours[cls]),
        })),
    );

    const relationCounts = countBy(data.edges, (e) => e.relation);
    checkList(
      "kg-relations",
      state.relations,
      [...relationCounts]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([relation, count]) => ({ value: relation, label: relation, count })),
    );

    const modalityCounts = countBy(data.statements, (s) => s.modality);
    checkList(
      "kg-modalities",
      state.modalities,
      MODALITIES.map((m) => ({
        value: m,
        label: m,
        count: modalityCounts.get(m) || 0,
        marker: el("span", { className: `kg-line ${m}` }),
      })),
    );
    for (const button of document.querySelectorAll("[data-all], [data-none]")) {
      button.addEventListener("click", () =>
        setAll(button.dataset.all || button.dataset.none, Boolean(button.dataset.all)),
      );
    }

    const select = byId("kg-article");
    Object.entries(data.articles)
      .sort(
        ([ia, a], [ib, b]) => (a.date || "").localeCompare(b.date || "") || ia.localeCompare(ib),
      )
      .forEach(([id, a]) => {
        const text = [a.date, a.title || id].filter(Boolean).join(" — ");
        select.append(
          el("option", { value: id, textContent: text, title: `${a.title || ""} (${id})` }),
        );
      });
    select.addEventListener("change", () => {
      state.article = select.value;
      applyFilters();
    });

    const degree = new Array(data.nodes.length).fill(0);
    for (const e of data.edges) {
      degree[e.from] += 1;
      if (e.to !== e.from) degree[e.to] += 1;
    }
    const range = byId("kg-degree");
    range.max = String(Math.max(1, ...degree));
    range.addEventListener("input", () => {
      state.minDegree = Number(range.value);
      byId("kg-degree-value").textContent = range.value;
      applyFilters();
    });
  }

  // ---- colours and legend ------------------------------------------------------------
  function buildCommunityLegend() {
    const list = byId("kg-communities");
    const members = new Map();
    data.nodes.forEach((n) => {
      // nodes come most central first, so the first members name the community
      if (!members.has(n.community)) members.set(n.community, []);
      members.get(n.community).push(n.label);
    });
    // Communities beyond the palette share one colour and one line of the legend.
    const ids = [...members.keys()].sort((a, b) => a - b);
    const named = ids.filter((c) => data.communityColours[c] !== data.otherColour);
    const rest = ids.filter((c) => data.communityColours[c] === data.otherColour);
    for (const c of named) {
      const names = members.get(c);
      const label = names.slice(0, 3).join(", ") + (names.length > 3 ? ", …" : "");
      list.append(
        el(
          "li",
          { title: label },
          swatch(data.communityColours[c]),
          el("span", { className: "kg-name", textContent: label }),
          el("span", { className: "kg-count", textContent: String(names.length) }),
        ),
      );
    }
    if (rest.length) {
      const count = rest.reduce((sum, c) => sum + members.get(c).length, 0);
      list.append(
        el(
          "li",
          null,
          swatch(data.otherColour),
          el("span", { className: "kg-name", textContent: `${rest.length} smaller communities` }),
          el("span", { className: "kg-count", textContent: String(count) }),
        ),
      );
    }
  }

  function colourBy(mode) {
    const colours = mode === "cls" ? data.classColours : data.communityColours;
    nodes.update(
      data.nodes.map((n, i) => ({ id: i, color: colours[mode === "cls" ? n.cls : n.community] })),
    );
    byId("kg-communities").hidden = mode !== "community";
    byId("kg-classes").classList.toggle("kg-no-swatch", mode !== "cls");
  }

  // ---- search ------------------------------------------------------------------------
  function findNode(query) {
    const q = query.trim().toLowerCase();
    if (!q) return -1;
    const names = (n) => [n.label, ...n.aliases].map((s) => s.toLowerCase());
    const tests = [
      (n) => n.label.toLowerCase() === q,
      (n) => names(n).includes(q),
      (n) => names(n).some((s) => s.startsWith(q)),
      (n) => names(n).some((s) => s.includes(q)),
    ];
    for (const test of tests) {
      const i = data.nodes.findIndex(test); // nodes are most central first
      if (i >= 0) return i;
    }
    return -1;
  }

  function focusNode(i) {
    network.selectNodes([i]);
    network.focus(i, { scale: 1.3, animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showNode(i);
  }

  function buildSearch() {
    const datalist = byId("kg-names");
    const seen = new Set();
    for (const n of data.nodes) {
      for (const name of [n.label, ...n.aliases]) {
        if (!seen.has(name)) datalist.append(el("option", { value: name }));
        seen.add(name);
      }
    }
    const input = byId("kg-search");
    input.addEventListener("change", () => {
      const i = findNode(input.value);
      const status = byId("kg-search-status");
      status.textContent = "";
      if (i >= 0) {
        focusNode(i);
        if (nodes.get(i).hidden)
          status.textContent = `${data.nodes[i].label} is hidden by the filters.`;
      } else if (input.value.trim()) {
        status.textContent = `No entity matches “${input.value.trim()}”.`;
      }
    });
  }

  // ---- details of a clicked node or edge ---------------------------------------------
  const details = byId("kg-details");

  function openDetails(...children) {
    byId("kg-details-body").replaceChildren(...children);
    details.hidden = false;
    details.scrollTop = 0;
  }

  function nodeLink(i) {
    const button = el("button", {
      type: "button",
      className: "kg-link",
      textContent: data.nodes[i].label,
    });
    button.addEventListener("click", () => focusNode(i));
    return button;
  }

  function edgeLink(id, text) {
    const button = el("button", { type: "button", className: "kg-link", textContent: text });
    button.addEventListener("click", () => {
      network.selectEdges([id]);
      showEdge(id);
    });
    return button;
  }

  function articleText(id) {
    const a = data.articles[id];
    if (!id) return "unknown article";
    return [a && a.title ? `${a.title} (${id})` : id, a && a.date].filter(Boolean).join(", ");
  }

  function showNode(i) {
    const n = data.nodes[i];
    const edgeList = (key, text) => {
      const items = data.edges
        .map((e, id) => [e, id])
        .filter(([e]) => e[key] === i)
        .map(([e, id]) => el("li", null, edgeLink(id, text(e)), ` (${e.statements.length})`));
      return items.length
        ? el("ul", null, ...items)
        : el("p", { className: "kg-muted", textContent: "none" });
    };
    openDetails(
      el("h2", { textContent: n.label }),
      el(
        "div",
        { className: "kg-meta" },
        swatch(data.classColours[n.cls]),
        ` ${n.cls} · community ${n.community + 1}`,
      ),
      el("h3", { textContent: "Also known as" }),
      n.aliases.length
        ? el("ul", null, ...n.aliases.map((a) => el("li", { textContent: a })))
        : el("p", { className: "kg-muted", textContent: "no other name" }),
      el("h3", { textContent: "Relations out" }),
      edgeList("from", (e) => `${e.relation} → ${data.nodes[e.to].label}`),
      el("h3", { textContent: "Relations in" }),
      edgeList("to", (e) => `${data.nodes[e.from].label} → ${e.relation}`),
      el("h3", { textContent: `Mentioned in ${plural(n.articles.length, "article")}` }),
      el("ul", null, ...n.articles.map((a) => el("li", { textContent: articleText(a) }))),
      el("p", { className: "kg-muted", textContent: n.iri }),
    );
  }

  function statementView(s, filtered) {
    const meta = [
      articleText(s.article),
      s.eventDate && `event ${s.eventDate}`,
      s.reportedBy && `reported by ${s.reportedBy}`,
      typeof s.confidence === "number" && `confidence ${s.confidence.toFixed(2)}`,
    ].filter(Boolean);
    return el(
      "div",
      { className: `kg-statement${filtered ? " kg-filtered" : ""}`, title: s.iri },
      el("blockquote", { textContent: s.evidence || "(no sentence recorded)" }),
      el(
        "div",
        { className: "kg-meta" },
        el("span", { className: `kg-badge ${s.modality}`, textContent: s.modality }),
        meta.join(" · "),
      ),
    );
  }

  function showEdge(id) {
    const e = data.edges[id];
    const shown = new Set(shownStatements(e));
    const hiddenCount = e.statements.length - shown.size;
    openDetails(
      el(
        "h2",
        null,
        nodeLink(e.from),
        el("span", { className: "kg-relation", textContent: ` —${e.relation}→ ` }),
        nodeLink(e.to),
      ),
      el(
        "p",
        { className: "kg-meta" },
        plural(e.statements.length, "supporting sentence"),
        hiddenCount ? ` (${hiddenCount} outside the filters, greyed)` : "",
      ),
      ...e.statements.map((i) => statementView(data.statements[i], !shown.has(i))),
    );
  }

  byId("kg-details-close").addEventListener("click", () => {
    details.hidden = true;
    network.unselectAll();
  });
  network.on("click", (params) => {
    if (params.nodes.length) showNode(params.nodes[0]);
    else if (params.edges.length) showEdge(params.edges[0]);
    else details.hidden = true;
  });

  for (const radio of document.querySelectorAll("input[name=kg-colour]")) {
    radio.addEventListener("change", () => colourBy(radio.value));
  }
  buildFilters();
  buildCommunityLegend();
  buildSearch();
  applyFilters();
  Object.assign(kg, { applyFilters, colourBy, focusNode, showNode, showEdge, ready: true });
})();
