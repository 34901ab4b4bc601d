// Council Wiki: the little JavaScript the pages need. Everything works without it except selecting
// text to comment on; htmx does the requests.
"use strict";

(function () {
  const MAX_CONTEXT = 32;

  // ---- Error toasts ------------------------------------------------------------------------------
  document.addEventListener("click", (event) => {
    const dismiss = event.target.closest(".dismiss");
    if (dismiss) dismiss.closest(".error-box")?.remove();
  });

  // ---- Text search over rendered text, whitespace-insensitive ------------------------------------
  function textIndex(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement.closest(".suggestion-insert, .annotate-button")
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT,
    });
    let text = "";
    const map = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const value = node.nodeValue;
      for (let i = 0; i < value.length; i++) {
        const isSpace = /\s/.test(value[i]);
        if (isSpace && text.endsWith(" ")) continue;
        text += isSpace ? " " : value[i];
        map.push([node, i]);
      }
    }
    return { text, map };
  }

  function findRange(root, quote) {
    const wanted = quote.replace(/\s+/g, " ").trim();
    if (!wanted) return null;
    const { text, map } = textIndex(root);
    const at = text.indexOf(wanted);
    if (at < 0) return null;
    const [startNode, startOffset] = map[at];
    const [endNode, endOffset] = map[at + wanted.length - 1];
    const range = document.createRange();
    range.setStart(startNode, startOffset);
    range.setEnd(endNode, endOffset + 1);
    return range;
  }

  function blockFor(content, line) {
    let best = null;
    for (const element of content.querySelectorAll("[data-source-line]")) {
      if (Number(element.dataset.sourceLine) <= line - 1) best = element;
    }
    return best;
  }

  // ---- Highlights of anchored threads ------------------------------------------------------------
  const ranges = new Map();
  const canHighlight = typeof CSS !== "undefined" && "highlights" in CSS;

  function paint() {
    const content = document.querySelector("#content[data-annotate]");
    ranges.clear();
    if (!content) return;
    content.querySelectorAll(".suggestion-insert").forEach((el) => {
      const parent = el.parentNode;
      el.remove();
      parent.normalize();
    });
    const threads = new Highlight();
    const deletions = new Highlight();
    for (const thread of document.querySelectorAll("#threads .thread[data-quote]")) {
      const line = Number(thread.dataset.line || 0);
      const block = line ? blockFor(content, line) : null;
      const range = (block && findRange(block, thread.dataset.quote)) || findRange(content, thread.dataset.quote);
      if (!range) continue;
      ranges.set(thread.id, range);
      if ("replacement" in thread.dataset) {
        deletions.add(range);
        const insert = document.createElement("ins");
        insert.className = "suggestion-insert";
        insert.dataset.for = thread.id;
        insert.textContent = thread.dataset.replacement;
        const end = range.cloneRange();
        end.collapse(false);
        end.insertNode(insert);
      } else {
        threads.add(range);
      }
    }
    if (canHighlight) {
      CSS.highlights.set("threads", threads);
      CSS.highlights.set("suggest-del", deletions);
    }
  }

  function activate(threadId, scrollText) {
    document.querySelectorAll("#threads .thread.active").forEach((el) => el.classList.remove("active"));
    const thread = document.getElementById(threadId);
    if (!thread) return;
    thread.classList.add("active");
    const range = ranges.get(threadId);
    if (canHighlight) CSS.highlights.set("thread-active", range ? new Highlight(range) : new Highlight());
    if (scrollText && range) {
      range.startContainer.parentElement.scrollIntoView({ behavior: "smooth", block: "center" });
    } else {
      thread.scrollIntoView({ behavior: "smooth", block: "nearest" });
      thread.focus({ preventScroll: true });
    }
  }

  document.addEventListener("click", (event) => {
    const thread = event.target.closest("#threads .thread");
    if (thread && !event.target.closest("a, button, textarea, input, summary, form, details")) {
      activate(thread.id, true);
      return;
    }
    const content = event.target.closest("#content[data-annotate]");
    if (!content || !document.caretRangeFromPoint) return;
    const point = document.caretRangeFromPoint(event.clientX, event.clientY);
    if (!point) return;
    for (const [id, range] of ranges) {
      if (range.isPointInRange(point.startContainer, point.startOffset)) {
        activate(id, false);
        return;
      }
    }
  });

  // ---- Selecting text: the popover with Comment and Suggest edit ---------------------------------
  let popover = null;
  let pending = null;

  function selectionInfo(content) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    if (!content.contains(range.commonAncestorContainer)) return null;
    const quote = selection.toString().trim();
    if (!quote) return null;
    const startElement =
      range.startContainer.nodeType === Node.TEXT_NODE ? range.startContainer.parentElement : range.startContainer;
    const block = startElement.closest("[data-source-line]") || content;
    const before = document.createRange();
    before.setStart(block, 0);
    before.setEnd(range.startContainer, range.startOffset);
    const line = block.dataset.sourceLine !== undefined ? Number(block.dataset.sourceLine) + 1 : 1;
    // Where focus returns when the reader leaves the toolbar or its form: the passage's own "+" button.
    const focused = document.activeElement !== document.body ? document.activeElement : null;
    const opener = block.querySelector(":scope > .annotate-button") || focused;
    return { quote, line, prefix: before.toString().slice(-MAX_CONTEXT), rect: range.getBoundingClientRect(), opener };
  }

  // In a comment round the field comments only (issue 10): no suggestions on the published text.
  function commentsOnly(content) {
    return content?.dataset.annotate === "comments";
  }

  // The element focus goes back to from the toolbar and the forms it opens (see selectionInfo).
  let opener = null;

  function returnFocus() {
    if (opener?.isConnected) opener.focus();
  }

  function closePopover() {
    popover?.remove();
    popover = null;
  }

  function openPopover(info) {
    closePopover();
    pending = info;
    opener = info.opener;
    popover = document.createElement("div");
    popover.className = "annotate-popover";
    popover.setAttribute("role", "toolbar");
    popover.setAttribute("aria-label", "Selected text");
    const onlyComment = commentsOnly(document.querySelector("#content"));
    const actions = [["comment", "Comment"], ["suggest", "Suggest edit"]].slice(0, onlyComment ? 1 : 2);
    for (const [index, [action, label]] of actions.entries()) {
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.action = action;
      button.textContent = label;
      // A toolbar is one Tab stop; the arrow keys move between its buttons.
      button.tabIndex = index === 0 ? 0 : -1;
      popover.append(button);
    }
    document.body.append(popover);
    // Under the selection, so the line above it stays readable; above it only when there is no room below.
    const gap = 8;
    const roomBelow = window.innerHeight - info.rect.bottom - gap >= popover.offsetHeight;
    const roomAbove = info.rect.top - gap >= popover.offsetHeight;
    const top = roomBelow || !roomAbove ? info.rect.bottom + gap : info.rect.top - gap - popover.offsetHeight;
    const widest = document.documentElement.clientWidth - popover.offsetWidth - 4;
    popover.style.top = `${window.scrollY + top}px`;
    popover.style.left = `${window.scrollX + Math.max(4, Math.min(info.rect.left, widest))}px`;
    return popover;
  }

  document.addEventListener("keydown", (event) => {
    const current = event.target.closest?.(".annotate-popover button");
    if (!current) return;
    if (event.key === "Tab") {
      // Leaving the toolbar (it sits at the end of the page) carries on from the passage, not from the page's end.
      closePopover();
      returnFocus();
      return;
    }
    const buttons = [...popover.querySelectorAll("button")];
    const at = buttons.indexOf(current);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = buttons[(next + buttons.length) % buttons.length];
    current.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  });

  function startComment(info) {
    const form = document.querySelector("#threads .new-thread");
    if (!form) return;
    form.elements.quote.value = info.quote;
    form.elements.line.value = info.line;
    form.elements.prefix.value = info.prefix;
    const quote = form.querySelector(".selected-quote");
    quote.textContent = info.quote;
    quote.hidden = false;
    const label = form.querySelector("label[for=new-comment]");
    label.textContent = label.dataset.passageLabel;
    form.querySelector(".clear-selection").hidden = false;
    form.scrollIntoView({ behavior: "smooth", block: "nearest" });
    form.elements.body.focus();
  }

  function clearSelectionForm(form) {
    for (const name of ["quote", "line", "prefix"]) form.elements[name].value = "";
    form.querySelector(".selected-quote").hidden = true;
    const label = form.querySelector("label[for=new-comment]");
    label.textContent = label.dataset.pageLabel;
    form.querySelector(".clear-selection").hidden = true;
  }

  function startSuggestion(info) {
    const threads = document.getElementById("threads");
    if (!threads || !window.htmx) return;
    const params = new URLSearchParams({ rev: threads.dataset.rev, quote: info.quote, line: info.line, prefix: info.prefix });
    htmx.ajax("GET", `${threads.dataset.suggestUrl}?${params}`, { target: "#composer", swap: "innerHTML" }).then(() => {
      placeComposer(info);
      const box = document.getElementById("suggest-replacement");
      box?.scrollIntoView({ behavior: "smooth", block: "nearest" });
      box?.focus();
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".annotate-popover button");
    if (button && pending) {
      const info = pending;
      closePopover();
      (button.dataset.action === "comment" ? startComment : startSuggestion)(info);
      return;
    }
    if (event.target.closest(".clear-selection")) {
      // The button hides itself; focus stays in the form rather than falling to the top of the page.
      const form = event.target.closest("form");
      clearSelectionForm(form);
      form.elements.body.focus();
    }
    if (event.target.closest(".cancel-suggestion") && document.getElementById("composer")) {
      event.preventDefault();
      closeSuggestion();
    }
  });

  function closeSuggestion() {
    document.getElementById("composer").replaceChildren();
    returnFocus();
  }

  function maybeOpen(event) {
    const content = document.querySelector("#content[data-annotate]");
    if (!content || event.target.closest?.(".annotate-popover")) return;
    const info = selectionInfo(content);
    if (info) openPopover(info);
    else if (event.type === "mouseup") closePopover();
  }
  document.addEventListener("mouseup", maybeOpen);
  document.addEventListener("keyup", (event) => {
    // Only keys that extend a selection: Shift+Tab past a selected passage must not open the toolbar again.
    if (event.shiftKey && /^(Arrow|Home|End|Page)/.test(event.key)) maybeOpen(event);
  });

  // Keyboard users: a button on every paragraph opens the same actions for the whole paragraph. A plan has dozens,
  // so they are one Tab stop: the arrow keys go from passage to passage, and Tab leaves the text.
  function addBlockButtons() {
    const content = document.querySelector("#content[data-annotate]");
    if (!content) return;
    // The label says what this reader can do with the passage.
    const label = commentsOnly(content) ? "Comment on this passage" : "Comment on or suggest an edit to this passage";
    let hint = document.getElementById("annotate-hint");
    if (!hint) {
      hint = document.createElement("span");
      hint.id = "annotate-hint";
      hint.className = "visually-hidden";
      hint.textContent = "Up and down arrow keys: the other passages.";
      // Inside the page's main landmark, like everything a screen reader is told about it.
      (document.getElementById("main") || document.body).append(hint);
    }
    for (const block of content.querySelectorAll("p[data-source-line], li[data-source-line], h2, h3, h4")) {
      if (block.querySelector(":scope > .annotate-button")) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "annotate-button";
      button.tabIndex = -1;
      button.setAttribute("aria-label", label);
      button.setAttribute("aria-describedby", hint.id);
      block.append(button);
    }
    const buttons = content.querySelectorAll(".annotate-button");
    if (buttons.length && ![...buttons].some((button) => button.tabIndex === 0)) buttons[0].tabIndex = 0;
  }

  // The button last used is the one Tab comes back to.
  document.addEventListener("focusin", (event) => {
    const button = event.target.closest?.("#content .annotate-button");
    if (!button || button.tabIndex === 0) return;
    document.querySelectorAll("#content .annotate-button").forEach((other) => (other.tabIndex = -1));
    button.tabIndex = 0;
  });

  document.addEventListener("keydown", (event) => {
    const current = event.target.closest?.("#content .annotate-button");
    if (!current) return;
    const buttons = [...document.querySelectorAll("#content .annotate-button")];
    const at = buttons.indexOf(current);
    const last = buttons.length - 1;
    const next = { ArrowDown: at + 1, ArrowRight: at + 1, ArrowUp: at - 1, ArrowLeft: at - 1, Home: 0, End: last }[
      event.key
    ];
    if (next === undefined) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(next, last))].focus();
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".annotate-button");
    if (!button) return;
    const block = button.parentElement;
    const range = document.createRange();
    range.selectNodeContents(block);
    range.setEndBefore(button);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const info = selectionInfo(block.closest("#content"));
    if (info) openPopover(info).querySelector("button").focus();
  });

  // ---- @mentions ---------------------------------------------------------------------------------
  let mentionList = null;
  let mentionTimer = null;

  function closeMentions() {
    mentionList?.remove();
    mentionList = null;
  }

  function insertMention(textarea, handle) {
    const caret = textarea.selectionStart;
    const before = textarea.value.slice(0, caret).replace(/@[\w.-]*$/, `@${handle} `);
    textarea.value = before + textarea.value.slice(caret);
    textarea.selectionStart = textarea.selectionEnd = before.length;
    textarea.focus();
    closeMentions();
  }

  document.addEventListener("input", (event) => {
    const textarea = event.target.closest("textarea[data-mentions]");
    if (!textarea) return;
    const match = textarea.value.slice(0, textarea.selectionStart).match(/(?:^|[\s(])@([\w.-]{1,40})$/);
    clearTimeout(mentionTimer);
    if (!match) return closeMentions();
    mentionTimer = setTimeout(async () => {
      const response = await fetch(`/people/mentions?q=${encodeURIComponent(match[1])}`, {
        headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const people = await response.json();
      closeMentions();
      if (!people.length) return;
      mentionList = document.createElement("ul");
      mentionList.className = "mention-list";
      mentionList.setAttribute("role", "listbox");
      people.forEach((person, index) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.dataset.handle = person.handle;
        item.setAttribute("aria-selected", index === 0 ? "true" : "false");
        item.textContent = `${person.name}${person.region ? ` · ${person.region}` : ""} (@${person.handle})`;
        item.addEventListener("mousedown", (e) => {
          e.preventDefault();
          insertMention(textarea, person.handle);
        });
        mentionList.append(item);
      });
      textarea.insertAdjacentElement("afterend", mentionList);
    }, 150);
  });

  document.addEventListener("keydown", (event) => {
    if (!mentionList || !event.target.matches("textarea[data-mentions]")) return;
    const options = [...mentionList.children];
    const current = options.findIndex((o) => o.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = (current + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
      options.forEach((o, i) => o.setAttribute("aria-selected", i === next ? "true" : "false"));
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      insertMention(event.target, options[Math.max(0, current)].dataset.handle);
    } else if (event.key === "Escape") {
      // Escape closes the list and nothing else (see below).
      event.preventDefault();
      closeMentions();
    }
  });

  // ---- Escape: back to the passage ---------------------------------------------------------------
  // Escape leaves the toolbar, or the comment or suggestion form it opened, for the passage they are about (its
  // "+" button). An untouched suggestion form closes; one the reader typed in stays open, with their words.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    if (popover) {
      const focused = popover.contains(document.activeElement);
      closePopover();
      if (focused) returnFocus();
      return;
    }
    const form = event.target.closest?.("#threads .new-thread, #composer .suggest");
    if (!form || !opener?.isConnected) return;
    if (form.matches(".new-thread") && !form.elements.quote.value) return;
    const untouched =
      form.matches(".suggest") &&
      form.elements.replacement.value === form.elements.exact.value &&
      !form.elements.note.value.trim();
    if (untouched) closeSuggestion();
    else returnFocus();
  });

  // ---- Focus after the discussion changes --------------------------------------------------------
  // htmx replaces the margin (a new thread) or one thread (a reply, a resolve…), and the button just pressed goes
  // with it: focus would fall back to the top of the page. It goes to what the reader added, the new comment (or
  // suggestion), or else to the comment or thread they acted on.
  let discussing = null;
  const discussed = () => document.querySelectorAll("#threads .comment[id], #threads .thread[id]");

  document.addEventListener("htmx:before:request", (event) => {
    // A form's own submission; the suggestion preview, also a request from inside the margin, isn't one.
    const form = event.target.matches?.("#threads form") ? event.target : null;
    discussing = form && {
      near: [form.closest(".comment")?.id, form.closest(".thread")?.id],
      known: new Set([...discussed()].map((el) => el.id)),
    };
  });

  document.addEventListener("htmx:after:settle", (event) => {
    if (!discussing || !event.target.matches?.("#threads, #threads .thread, #page-main")) return;
    const { near, known } = discussing;
    discussing = null;
    const fresh = [...discussed()].filter((el) => !known.has(el.id));
    const again = near.map((id) => id && document.getElementById(id)).find(Boolean);
    let target = [fresh.find((el) => el.matches(".comment")), fresh[0], again].find((el) => el?.checkVisibility?.());
    if (!target) {
      // An accepted suggestion goes into the folded list of decided threads: the discussion's heading, then.
      target = document.getElementById("threads-title");
      if (!target) return;
      target.tabIndex = -1;
    }
    target.focus({ preventScroll: true });
    target.scrollIntoView({ behavior: "smooth", block: "nearest" });
  });

  // ---- Start, and again after htmx swaps part of the page ----------------------------------------
  function refresh() {
    addBlockButtons();
    paint();
    const hash = window.location.hash.slice(1);
    if (hash.startsWith("thread-") && ranges.has(hash)) activate(hash, true);
  }
  document.addEventListener("DOMContentLoaded", refresh);

  // ---- Field feedback: a link to #field-feedback (from the inbox or the dashboard) opens the list ---
  function openLinkedFeedback() {
    if (window.location.hash !== "#field-feedback") return;
    const details = document.querySelector("#field-feedback > details");
    if (details) details.open = true;
  }
  document.addEventListener("DOMContentLoaded", openLinkedFeedback);
  window.addEventListener("hashchange", openLinkedFeedback);
  document.addEventListener("htmx:after:settle", () => {
    addBlockButtons();
    paint();
  });

  // ---- Who is editing (issue 15): the editor says goodbye as its page goes -------------------------
  // Otherwise the others would read "is editing" until the window runs out. A beacon outlives the page but
  // can't set headers, so the CSRF token travels in the body.
  window.addEventListener("pagehide", () => {
    const beat = document.querySelector("[data-presence-leave]");
    if (!beat || !navigator.sendBeacon) return;
    navigator.sendBeacon(beat.dataset.presenceLeave, new URLSearchParams({ csrf_token: beat.dataset.csrfToken }));
  });

  // ---- A file over the upload limit is refused before it is sent ---------------------------------
  // The server refuses it too (413), but only after the whole file has travelled, which on a slow
  // connection is minutes for nothing.
  document.addEventListener("change", (event) => {
    const input = event.target.closest?.("input[type=file][data-max-bytes]");
    if (!input) return;
    const file = input.files[0];
    const tooLarge = file && file.size > Number(input.dataset.maxBytes);
    const size = file ? `${(file.size / 1048576).toFixed(1)} MB` : "";
    input.setCustomValidity(tooLarge ? `“${file.name}” is ${size}; files can be at most ${input.dataset.maxLabel}.` : "");
    if (tooLarge) input.reportValidity();
  });

  // ---- Layout: the header's menu, the contents list and the suggestion form (issue 16) -------------
  // Marks the document so the stylesheet folds the header behind its Menu button on a narrow screen; without
  // JavaScript, or if this file fails to load, the links stay in view.
  document.documentElement.classList.add("js");

  // The width from which the page's contents list and its discussion sit beside the text (static/app.css).
  const sideColumn = window.matchMedia("(min-width: 981px)");

  function setMenu(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".menu-button");
    if (button) setMenu(button, button.getAttribute("aria-expanded") !== "true");
  });

  // Escape inside the open menu closes it; focus goes back to the button rather than to the top of the page.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const button = document.querySelector(".menu-button[aria-expanded=true]");
    const menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu || !(menu.contains(event.target) || event.target === button)) return;
    setMenu(button, false);
    button.focus();
  });

  // The contents list comes before the text and is closed in the HTML, so a phone opens on the text; where it
  // has a column of its own it opens. Once per list: a reader who closed it keeps it closed.
  const seenContents = new WeakSet();
  function openContents() {
    for (const details of document.querySelectorAll("details.toc")) {
      if (seenContents.has(details)) continue;
      seenContents.add(details);
      if (sideColumn.matches) details.open = true;
    }
  }
  document.addEventListener("DOMContentLoaded", openContents);
  document.addEventListener("htmx:after:settle", openContents);

  // The suggestion form opens beside its passage, or under it on a phone, not at the top of the margin. The
  // passage's offsets go to the stylesheet as custom properties, which the CSP allows (style attributes it
  // does not); the stylesheet picks the side or the line below.
  let placedFor = null;
  function placeComposer(info) {
    const composer = document.getElementById("composer");
    const body = composer?.closest(".page-body");
    const content = document.querySelector("#content[data-annotate]");
    if (!composer || !body || !content) return;
    placedFor = info;
    const block = blockFor(content, info.line);
    const range = (block && findRange(block, info.quote)) || findRange(content, info.quote);
    const passage = (range || block || content).getBoundingClientRect();
    const origin = body.getBoundingClientRect();
    composer.style.setProperty("--passage-top", `${Math.max(0, passage.top - origin.top)}px`);
    composer.style.setProperty("--passage-bottom", `${passage.bottom - origin.top}px`);
  }
  window.addEventListener("resize", () => {
    if (placedFor && document.getElementById("composer")?.hasChildNodes()) placeComposer(placedFor);
  });
})();
