// Present mode: start reveal.js on the page's slides (templates/present/deck.html). A file rather than an inline
// script, which the Content-Security-Policy refuses.
"use strict";

(function () {
  const deck = document.querySelector(".reveal");
  if (!deck || typeof Reveal === "undefined") return;

  // The notes plugin writes its speaker view into a blank window, which inherits this page's policy and so can't
  // run the view's inline script. The same view is served as a page of its own; open that instead, and give the
  // plugin a window whose document it may write to without effect.
  const openWindow = window.open.bind(window);
  window.open = function (url, name, features) {
    if (url !== "about:blank" || name !== "reveal.js - Notes") return openWindow(url, name, features);
    const speaker = openWindow(deck.dataset.speakerUrl, name, features);
    if (!speaker) return null;
    return {
      get closed() {
        return speaker.closed;
      },
      focus: () => speaker.focus(),
      postMessage: (message, target) => speaker.postMessage(message, target),
      document: { write() {} },
    };
  };

  // In the speaker view's previews (?receiver) only the slides show.
  const asked = new URLSearchParams(window.location.search);
  if (asked.has("receiver")) {
    document.body.classList.add("present-receiver");
  }
  // The preview of the next slide is moved by the speaker view only when the deck moves: if it finished loading
  // after the deck last did (a slow machine, a long deck), it would show the current slide until the next
  // change. Once ready, it catches up with the deck itself, a window of the same page.
  const deckWindow = window.parent !== window ? window.parent.opener : null;
  if (asked.has("receiver") && asked.get("controls") === "false" && deckWindow && deckWindow.Reveal) {
    Reveal.on("ready", () => {
      Reveal.setState(deckWindow.Reveal.getState());
      Reveal.next();
    });
  }

  // A phone can't show a 1280-pixel slide scaled down and still be read: there the slides keep the page's own size
  // and scroll (static/present.css), one at a time.
  const narrow = window.matchMedia("(max-width: 600px)").matches;

  Reveal.initialize({
    hash: true, // a link per slide: #/3
    disableLayout: narrow,
    scrollActivationWidth: null,
    width: 1280,
    height: 800,
    margin: 0.05,
    center: false,
    slideNumber: "c/t",
    controlsTutorial: false,
    transition: "fade",
    transitionSpeed: "fast",
    // A slide longer than the screen, and a table's scroll box, take the focus; their arrow keys scroll them
    // rather than change the slide (left and right still do on a slide).
    keyboardCondition: (event) => {
      const box = event.target.closest?.(".table-scroll");
      if (box) return !event.key.startsWith("Arrow");
      const slide = event.target.closest?.(".slides section");
      return !(slide && (event.key === "ArrowUp" || event.key === "ArrowDown"));
    },
    plugins: [RevealNotes],
  });
})();
