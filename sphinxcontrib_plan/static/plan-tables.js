/* sphinxcontrib-plan: sortable, filterable registers.
 *
 * Progressive enhancement of the tables the build marks with
 * .plan-interactive: without this script they are complete, plain tables.
 * Each such container has the id plan-view-<key>; its view is kept in the
 * URL's query as <key>.sort=<column> (a leading "-" for descending) and
 * <key>.filter=<text>, so a shared link opens the same view and several
 * tables on a page keep their own state. Sorting reads a cell's typed value
 * (enum ranks, numbers, dates, set by the build in the container's
 * <script type="application/json" class="plan-sort-values">: per body row, a
 * list of values, null where the cell's text counts) or else its text, in
 * natural order (RISK-2 before RISK-10); empty cells come last either way.
 * No framework, no network.
 */
(function () {
  "use strict";

  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  var NUMBER = /^[-+]?\d+(?:\.\d+)?$/;
  var PREFIX = "plan-view-";
  var views = [];

  function clean(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }

  function slug(text) {
    return clean(text).toLowerCase().normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "column";
  }

  /* the build's typed sort values of a table: per body row, a list (or null) */
  function sortValues(box) {
    var script = box.querySelector("script.plan-sort-values");
    if (!script) return [];
    try {
      var rows = JSON.parse(script.textContent);
      return Array.isArray(rows) ? rows : [];
    } catch (error) {
      return [];  // unreadable: every cell sorts by its text
    }
  }

  function cellValue(row, column) {
    var value = row.values && row.values[column];
    if (value !== null && value !== undefined) return clean(String(value));
    var cell = row.tr.cells[column];
    return cell ? clean(cell.textContent) : "";
  }

  function compareValues(a, b) {
    if (NUMBER.test(a) && NUMBER.test(b)) return parseFloat(a) - parseFloat(b);
    return collator.compare(a, b);
  }

  function plural(n) { return n === 1 ? " row" : " rows"; }

  /* -- one table ---------------------------------------------------------- */

  function View(box) {
    this.box = box;
    this.key = box.id.slice(PREFIX.length);
    this.table = box.querySelector("table");
    this.body = this.table.tBodies[0];
    this.sortable = box.classList.contains("plan-interactive-sort");
    this.grouping = box.classList.contains("plan-grouped-lead") ? "lead"
      : box.classList.contains("plan-grouped-sections") ? "sections" : "";
    this.state = {column: -1, descending: false, filter: ""};
    this.values = this.sortable ? sortValues(box) : [];
    this.readRows();
    this.buildControls();
  }

  View.prototype.readRows = function () {
    var rows = [], sections = [], section = null, group = null, groups = 0;
    Array.prototype.forEach.call(this.body.rows, function (tr, index) {
      if (this.grouping === "sections" && tr.classList.contains("plan-group-row")) {
        section = {header: tr, text: clean(tr.textContent).toLowerCase(), rows: []};
        sections.push(section);
        return;
      }
      var values = this.values[index];
      var row = {tr: tr, index: index, group: 0, values: Array.isArray(values) ? values : null};
      if (this.grouping === "lead") {
        var lead = tr.cells[0];
        if (clean(lead.textContent) || !group) {
          group = lead;
          groups += 1;
        } else {
          // the group's cell, repeated: hidden while the row follows its group
          Array.prototype.forEach.call(group.childNodes, function (child) {
            var copy = child.cloneNode(true);
            if (copy.querySelectorAll) {
              if (copy.id) copy.removeAttribute("id");
              Array.prototype.forEach.call(copy.querySelectorAll("[id]"),
                function (el) { el.removeAttribute("id"); });
            }
            lead.appendChild(copy);
          });
          lead.classList.add("plan-repeat");
        }
        row.group = groups;
      }
      if (this.grouping === "sections") {
        if (!section) {
          section = {header: null, text: "", rows: []};
          sections.push(section);
        }
        section.rows.push(row);
      }
      row.text = clean(tr.textContent).toLowerCase();
      rows.push(row);
    }, this);
    this.rows = rows;
    this.sections = sections;
  };

  View.prototype.buildControls = function () {
    var view = this;
    var heads = this.table.tHead.rows[0].cells;
    var title = this.table.caption &&
      (this.table.caption.querySelector(".caption-text") || this.table.caption);
    var caption = title ? clean(title.textContent) : "";
    var used = {};
    this.columns = Array.prototype.map.call(heads, function (th, i) {
      var name = slug(th.textContent);
      while (used[name]) name += "-" + (i + 1);
      used[name] = true;
      var column = {th: th, name: name, label: clean(th.textContent)};
      if (view.sortable && column.label) view.makeButton(column, i);
      return column;
    });
    var controls = document.createElement("div");
    controls.className = "plan-view-controls";
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "search";
    input.id = this.box.id + "-filter";
    input.autocomplete = "off";
    input.spellcheck = false;
    label.htmlFor = input.id;
    label.textContent = "Filter rows";
    if (caption) {
      // the table's caption, for screen readers on pages with several tables
      var hint = document.createElement("span");
      hint.className = "plan-visually-hidden";
      hint.textContent = " of " + caption;
      label.appendChild(hint);
    }
    var status = document.createElement("span");
    status.className = "plan-view-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    controls.appendChild(label);
    controls.appendChild(input);
    controls.appendChild(status);
    this.box.insertBefore(controls, this.box.firstChild);
    this.input = input;
    this.status = status;
    var timer = null;
    input.addEventListener("input", function () {
      view.state.filter = input.value;
      view.render();
      // typing replaces the history entry (one per pause, not one per key)
      clearTimeout(timer);
      timer = setTimeout(function () { writeUrl(false); }, 250);
    });
  };

  View.prototype.makeButton = function (column, index) {
    var view = this;
    var th = column.th;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "plan-sort";
    if (th.querySelector("a, button, input, select, textarea")) {
      // a header holding a link keeps it; the button sits beside it
      button.setAttribute("aria-label", "Sort by " + column.label);
      th.appendChild(button);
    } else {
      // inside the header's paragraph: a button holds phrasing content only
      var holder = th.children.length === 1 && th.firstElementChild.tagName === "P"
        ? th.firstElementChild : th;
      var label = document.createElement("span");
      while (holder.firstChild) label.appendChild(holder.firstChild);
      button.appendChild(label);
      holder.appendChild(button);
    }
    var icon = document.createElement("span");
    icon.className = "plan-sort-icon";
    icon.setAttribute("aria-hidden", "true");
    button.appendChild(icon);
    column.button = button;
    button.addEventListener("click", function () {
      var state = view.state;
      // ascending, descending, then back to the document's order
      if (state.column !== index) {
        state.column = index;
        state.descending = false;
      } else if (!state.descending) {
        state.descending = true;
      } else {
        state.column = -1;
        state.descending = false;
      }
      view.render();
      writeUrl(true);
    });
  };

  View.prototype.compare = function (a, b) {
    var column = this.state.column;
    var x = cellValue(a, column), y = cellValue(b, column);
    if (!x || !y) {
      // empty cells last in either direction, then the document's order
      return (!x - !y) || a.index - b.index;
    }
    var order = compareValues(x, y);
    return (this.state.descending ? -order : order) || a.index - b.index;
  };

  View.prototype.ordered = function (rows) {
    rows = rows.slice();
    if (this.state.column >= 0) rows.sort(this.compare.bind(this));
    else rows.sort(function (a, b) { return a.index - b.index; });
    return rows;
  };

  View.prototype.render = function () {
    var terms = clean(this.state.filter).toLowerCase().split(" ").filter(Boolean);
    function matches(text) {
      return terms.every(function (t) { return text.indexOf(t) >= 0; });
    }
    var body = this.body, shown = 0, total = this.rows.length, view = this, hidden = [];
    function place(row, visible) {
      row.tr.hidden = !visible;
      if (visible) {
        body.appendChild(row.tr);
        shown += 1;
      } else {
        hidden.push(row.tr);
      }
    }
    if (this.grouping === "sections") {
      this.sections.forEach(function (section) {
        var all = section.header && terms.length && matches(section.text);
        var rows = view.ordered(section.rows);
        var any = rows.some(function (r) { return all || matches(r.text); });
        if (section.header) {
          section.header.hidden = !any;
          if (any) body.appendChild(section.header);
          else hidden.push(section.header);
        }
        rows.forEach(function (r) { place(r, all || matches(r.text)); });
      });
    } else {
      this.ordered(this.rows).forEach(function (r) { place(r, matches(r.text)); });
    }
    // hidden rows go last, so that the themes' stripes (row-odd/row-even
    // classes or :nth-child rules) alternate over the rows that are seen
    hidden.forEach(function (tr) { body.appendChild(tr); });
    var stripe = 0;
    Array.prototype.forEach.call(body.rows, function (tr) {
      if (tr.hidden) return;
      tr.classList.toggle("row-odd", stripe % 2 === 1);
      tr.classList.toggle("row-even", stripe % 2 === 0);
      stripe += 1;
    });
    if (this.grouping === "lead") {
      var previous = null;
      this.rows.slice().sort(function (a, b) {
        return a.tr.rowIndex - b.tr.rowIndex;
      }).forEach(function (r) {
        if (r.tr.hidden) return;
        r.tr.cells[0].classList.toggle("plan-continued", previous === r.group);
        previous = r.group;
      });
    }
    this.columns.forEach(function (column, i) {
      if (!column.button) return;
      if (i === view.state.column) {
        column.th.setAttribute("aria-sort", view.state.descending ? "descending" : "ascending");
      } else {
        column.th.removeAttribute("aria-sort");
      }
    });
    var text = shown + " of " + total + plural(total);
    if (this.state.column >= 0) {
      text += ", sorted by " + this.columns[this.state.column].label +
        (this.state.descending ? " (descending)" : " (ascending)");
    }
    this.status.textContent = text;
    this.box.classList.toggle("plan-view-narrowed", shown < total);
  };

  /* -- the URL ------------------------------------------------------------ */

  View.prototype.read = function (params) {
    var sort = params.get(this.key + ".sort") || "";
    var descending = sort.charAt(0) === "-";
    var name = descending ? sort.slice(1) : sort;
    var column = -1;
    this.columns.forEach(function (c, i) {
      if (c.button && c.name === name) column = i;
    });
    this.state.column = column;
    this.state.descending = column >= 0 && descending;
    this.state.filter = params.get(this.key + ".filter") || "";
    this.input.value = this.state.filter;
    this.render();
  };

  View.prototype.write = function (params) {
    var state = this.state;
    if (state.column >= 0) {
      params.set(this.key + ".sort", (state.descending ? "-" : "") + this.columns[state.column].name);
    } else {
      params.delete(this.key + ".sort");
    }
    if (clean(state.filter)) params.set(this.key + ".filter", state.filter);
    else params.delete(this.key + ".filter");
  };

  function writeUrl(push) {
    var params = new URLSearchParams(window.location.search);
    views.forEach(function (v) { v.write(params); });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    if (url === window.location.pathname + window.location.search + window.location.hash) return;
    try {
      if (push) window.history.pushState({planTables: true}, "", url);
      else window.history.replaceState(window.history.state, "", url);
    } catch (error) {
      // some browsers refuse history changes on file: pages; the view still works
    }
  }

  function readUrl() {
    var params = new URLSearchParams(window.location.search);
    views.forEach(function (v) { v.read(params); });
  }

  function init() {
    var seen = {};
    Array.prototype.forEach.call(document.querySelectorAll("div.plan-interactive[id^='" + PREFIX + "']"),
      function (box) {
        var table = box.querySelector("table");
        if (!table || !table.tHead || !table.tBodies.length || seen[box.id]) return;
        var spans = Array.prototype.some.call(table.querySelectorAll("td, th"), function (c) {
          return c.rowSpan > 1 || c.colSpan > 1;
        });
        if (spans) return;  // a spanning cell cannot move: the table stays static
        seen[box.id] = true;
        views.push(new View(box));
      });
    if (!views.length) return;
    readUrl();
    window.addEventListener("popstate", readUrl);
    document.documentElement.classList.add("plan-tables-ready");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
