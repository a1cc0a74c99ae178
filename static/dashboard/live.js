// Live pages: a websocket that brings small events, and catch-up requests that bring the
// content. Events carry sequence numbers; after any event or reconnect the page asks for
// messages after the last sequence number it shows, so nothing is missed or doubled.
// Channels delivers at most once, so a live page also resyncs every data-resync-ms while
// it is visible: an event lost on the way costs a late refresh, never a missing message.
(function () {
  "use strict";

  function setStatus(text) {
    document.querySelectorAll("[data-live-status]").forEach((el) => { el.textContent = text; });
  }

  // A reconnecting socket. window.dashboardLive.disconnect()/connect() exist so operators
  // (and tests) can drop the connection on purpose.
  function liveSocket(path, onEvent, onOpen) {
    let socket = null;
    let delay = 300;
    let wanted = true;
    function open() {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(scheme + "://" + location.host + path);
      socket.onopen = () => { delay = 300; setStatus("live"); onOpen(); };
      socket.onmessage = (e) => onEvent(JSON.parse(e.data));
      socket.onclose = (e) => {
        if (e.code === 4401 || e.code === 4404) { setStatus("not allowed"); return; }
        if (!wanted) { setStatus("offline"); return; }
        setStatus("reconnecting…");
        setTimeout(() => { if (wanted) open(); }, delay);
        delay = Math.min(delay * 2, 8000);
      };
    }
    open();
    window.dashboardLive = {
      get socket() { return socket; },
      disconnect() { wanted = false; if (socket) socket.close(); },
      connect() { wanted = true; if (!socket || socket.readyState === WebSocket.CLOSED) open(); },
    };
  }

  // Call resync every `ms` while the page is visible and its socket is open (a closed one
  // resyncs when it reconnects), and when the page becomes visible again.
  function everyWhileVisible(ms, resync) {
    if (!(ms > 0)) return;
    const live = () => document.visibilityState === "visible" && window.dashboardLive &&
      window.dashboardLive.socket && window.dashboardLive.socket.readyState === WebSocket.OPEN;
    setInterval(() => { if (live()) resync(); }, ms);
    document.addEventListener("visibilitychange", () => { if (live()) resync(); });
  }

  // The operator is using the box (a focused field, an open reject menu): not now.
  function busy(box) {
    return box.contains(document.activeElement) || box.querySelector("details[open]") !== null;
  }

  // Every fragment comes through htmx: htmx sends the request (HX-Request and the page's
  // hx-headers) and swaps the answer into `target` as `swap` says, processing it as it
  // goes. `source` is the element htmx files the request under: htmx keeps one request in
  // flight per source and queues only the latest one behind it, so each kind of refresh
  // has a source of its own. One kind never drops another, and the answers for one box
  // land in the order they were asked for: the latest wins. The promise resolves once the
  // answer was handled (an error status included: htmx then swaps nothing) and rejects
  // when none came. `event`, when given, is what the beforeSwap hooks below see as the
  // request's triggering event.
  function htmxGet(url, source, target, swap, event) {
    return window.htmx.ajax("GET", url, { source: source, target: target, swap: swap, event: event });
  }

  // As innerHTML did: the fragment never sets the page's title.
  const REPLACE = "innerHTML ignoreTitle:true";

  function conversationPage(root) {
    const list = document.getElementById("messages");
    const suggestionsBox = document.getElementById("suggestions");
    const journeyBox = document.getElementById("journey");
    const messagesUrl = root.dataset.messagesUrl;
    const suggestionsUrl = root.dataset.suggestionsUrl;
    let lastSeq = 0;
    list.querySelectorAll("[data-seq]").forEach((li) => { lastSeq = Math.max(lastSeq, +li.dataset.seq); });
    let inFlight = false;
    let again = false;
    let caughtUp = null; // what the catch-up's beforeSwap saw of the answer: {count, upTo}

    // htmx swaps only what these hooks leave in the answer: of a catch-up page, the messages
    // after lastSeq that are not shown yet, in order (a late or repeated answer never
    // doubles or reorders a message); of a re-rendered message, that one message, or
    // nothing when the answer lacks it. Anything else in a messages answer (out-of-band
    // elements included) is dropped: the list only ever takes messages.
    list.addEventListener("htmx:beforeSwap", (e) => {
      const detail = e.detail;
      if (!detail.shouldSwap) { // an error answer (htmx swaps nothing), or a 204
        if (e.target === list && !detail.isError) caughtUp = { count: 0, upTo: lastSeq };
        return;
      }
      const template = document.createElement("template"); // parsed here, never shown
      template.innerHTML = detail.serverResponse;
      if (e.target === list) {
        const items = template.content.querySelectorAll("[data-seq]");
        const fresh = [];
        let upTo = lastSeq;
        items.forEach((li) => {
          const seq = +li.dataset.seq;
          if (seq <= upTo || list.querySelector('[data-seq="' + seq + '"]')) return;
          fresh.push(li.outerHTML);
          upTo = seq;
        });
        caughtUp = { count: items.length, upTo: upTo };
        detail.serverResponse = fresh.join("");
      } else if (e.target.parentElement === list && e.target.dataset.seq) {
        const fresh = template.content.querySelector('[data-seq="' + e.target.dataset.seq + '"]');
        if (fresh) detail.serverResponse = fresh.outerHTML;
        else detail.shouldSwap = false; // the page still shows the message as it was
      }
    });

    // A resync leaves the box alone while the operator is using it, checked when it is
    // asked for and again when its answer arrives.
    suggestionsBox.addEventListener("htmx:beforeSwap", (e) => {
      const asked = e.detail.requestConfig && e.detail.requestConfig.triggeringEvent;
      if (e.target === suggestionsBox && asked && asked.type === "live:resync" && busy(suggestionsBox)) {
        e.detail.shouldSwap = false;
      }
    });

    async function catchUp() {
      if (inFlight) { again = true; return; }
      inFlight = true;
      try {
        do {
          again = false;
          caughtUp = null;
          // Only catch-up uses the list as its source and never two at once, so htmx
          // never queues it: the promise settles with this very answer.
          await htmxGet(messagesUrl + "?after=" + lastSeq, list, list, "beforeend");
          if (!caughtUp) throw new Error(messagesUrl + " answered with an error");
          lastSeq = caughtUp.upTo;
          if (caughtUp.count >= 200) again = true; // a long gap comes in pages
        } while (again);
        list.scrollTop = list.scrollHeight;
        restartTimer();
      } catch (err) {
        setStatus("catch-up failed, retrying…");
        setTimeout(catchUp, 1000);
      } finally {
        inFlight = false;
      }
    }

    // A message already shown, re-rendered once the ml stage has analysed it.
    async function refreshMessage(seq) {
      const shown = list.querySelector('[data-seq="' + seq + '"]');
      if (!shown) { catchUp(); return; }
      try {
        await htmxGet(messagesUrl + "?after=" + (seq - 1) + "&limit=1", shown, shown, "outerHTML");
      } catch (err) { /* the page still shows the message, without its badges */ }
    }

    async function refreshJourney() {
      try {
        await htmxGet(root.dataset.journeyUrl, journeyBox, journeyBox, REPLACE);
      } catch (err) { /* the next event refreshes again */ }
    }

    async function refreshSuggestions(unlessBusy) {
      if (unlessBusy && busy(suggestionsBox)) return;
      try {
        await htmxGet(suggestionsUrl, suggestionsBox, suggestionsBox, REPLACE,
          unlessBusy ? new CustomEvent("live:resync") : undefined);
      } catch (err) { /* the next event or reconnect refreshes again */ }
    }

    // The first draft while the model writes it: suggestions.streaming frames carry the
    // whole text so far, so a lost frame costs nothing. A preview, never a suggestion: it
    // has no buttons, Enter never sends it, and the composer stays the operator's. The
    // stored set replaces it when suggestions.ready comes; a draft that failed its checks
    // stays marked as replaced until the customer writes again; a reconnect clears it (the
    // refetched set is the truth, and a stream still going sends its whole text again).
    const draftBox = root.querySelector("[data-draft-stream]");
    let draftSeq = 0;
    let staleTimer = null;
    const DRAFT_STATES = {
      drafting: (seq) => "Drafting a reply to #" + seq + "…",
      checking: (seq) => "Checking the draft to #" + seq + "…",
      rejected: () => "Draft failed checks — replaced",
    };
    function showDraft(event) {
      if (!draftBox || event.seq < draftSeq) return; // an older message's: superseded
      clearTimeout(staleTimer);
      draftSeq = event.seq;
      const state = event.rejected ? "rejected" : event.done ? "checking" : "drafting";
      draftBox.dataset.state = state;
      draftBox.dataset.seq = event.seq;
      draftBox.querySelector("[data-draft-state]").textContent = DRAFT_STATES[state](event.seq);
      draftBox.querySelector("[data-draft-text]").textContent = event.text;
      draftBox.hidden = false;
    }
    function clearDraft() {
      if (!draftBox) return;
      clearTimeout(staleTimer);
      draftBox.hidden = true;
      delete draftBox.dataset.state;
      draftBox.querySelector("[data-draft-text]").textContent = "";
    }
    // A set for `seq` is on screen. After the closing frame it is the draft's own set: the
    // preview has served. While still drafting it is another (the library's options), unless
    // the closing frame was lost: then no frame follows, and the preview goes after a while.
    const STALE_DRAFT_MS = 3000;
    function draftStored(seq) {
      if (!draftBox || draftBox.hidden || +draftBox.dataset.seq > seq) return;
      if (draftBox.dataset.state === "checking") clearDraft();
      else if (draftBox.dataset.state === "drafting") {
        clearTimeout(staleTimer);
        staleTimer = setTimeout(clearDraft, STALE_DRAFT_MS);
      }
    }

    function onEvent(event) {
      if (event.type === "message.created" && event.direction === "in" && event.seq > draftSeq) {
        draftSeq = event.seq; // the customer wrote again: older drafts are superseded
        clearDraft();
        // The panel says the suggestions on screen answer an earlier message and where the
        // new one's drafts wait; left alone while the operator is working in it.
        refreshSuggestions(true);
      }
      if (event.type === "message.created" && event.seq > lastSeq) catchUp();
      else if (event.type === "suggestions.streaming") showDraft(event);
      else if (event.type === "suggestions.ready") refreshSuggestions().then(() => draftStored(event.seq));
      else if (event.type === "conversation.state") refreshJourney();
      else if (event.type === "message.analysed") { refreshMessage(event.seq); refreshJourney(); }
      else if (event.type === "conversation.assigned") ownerChanged(event);
      else if (event.type === "conversation.presence") showPresence(event);
      else if (event.type === "message.delivery") {
        const badge = list.querySelector('[data-message-id="' + event.message_id + '"] [data-delivery]');
        if (badge) badge.textContent = event.delivery.charAt(0).toUpperCase() + event.delivery.slice(1);
      }
    }

    // Ownership: the owner box comes again from the server; the warning above the composer
    // shows when someone else owns the conversation.
    const me = root.dataset.me;
    const ownerBox = document.getElementById("owner");
    async function refreshOwner() {
      try {
        await htmxGet(root.dataset.ownerUrl, ownerBox, ownerBox, REPLACE);
      } catch (err) { /* the next event refreshes again */ }
    }
    function ownerChanged(event) {
      const warning = document.querySelector("[data-owner-warning]");
      if (warning) {
        warning.querySelector("[data-owner-name]").textContent = event.operator;
        warning.hidden = !event.operator || event.operator === me;
      }
      refreshOwner();
    }

    // Presence: who else has the page open, and who is typing (a typist's name clears
    // after TYPING_MS without a fresh frame, or at once when their page closes).
    const TYPING_MS = 5000;
    const presenceBox = root.querySelector("[data-presence]");
    let others = [];
    let typists = [];
    let typingTimer = null;
    function renderPresence() {
      const parts = [];
      if (others.length) parts.push("Also here: " + others.join(", "));
      if (typists.length) parts.push(typists.join(", ") + (typists.length > 1 ? " are" : " is") + " typing…");
      presenceBox.textContent = parts.join(" · ");
      presenceBox.dataset.viewers = others.join(",");
      presenceBox.dataset.typing = typists.join(",");
    }
    function showPresence(event) {
      others = event.viewers.filter((name) => name !== me);
      typists = event.typing.filter((name) => name !== me);
      clearTimeout(typingTimer);
      if (typists.length) typingTimer = setTimeout(() => { typists = []; renderPresence(); }, TYPING_MS);
      renderPresence();
    }
    let typedAt = 0;
    document.addEventListener("input", (e) => {
      if (!e.target.matches || !e.target.matches("[data-composer-text]")) return;
      const socket = window.dashboardLive && window.dashboardLive.socket;
      if (!socket || socket.readyState !== WebSocket.OPEN || Date.now() - typedAt < 1500) return;
      typedAt = Date.now();
      socket.send('{"type":"typing"}');
    });

    // The reply timer waits on the customer's oldest message after the last reply shown.
    const timer = root.querySelector("[data-reply-timer]");
    function restartTimer() {
      const items = list.querySelectorAll("[data-seq]");
      let since = null;
      for (let i = items.length - 1; i >= 0 && items[i].classList.contains("in"); i--) {
        since = items[i].querySelector("time").getAttribute("datetime");
      }
      if (since) timer.dataset.since = since;
      else delete timer.dataset.since;
      timer.hidden = !since;
      tickTimers();
    }

    liveSocket(root.dataset.wsPath, onEvent, () => {
      window.dashboardLive.socket.send('{"type":"here"}'); // listed as a viewer, told who else is
      clearDraft(); // frames may have been missed while down: the stored set is the truth
      catchUp(); refreshSuggestions(); refreshJourney(); refreshOwner();
    });
    everyWhileVisible(+root.dataset.resyncMs, () => { catchUp(); refreshSuggestions(true); refreshJourney(); });
    document.body.addEventListener("reply-sent", () => { catchUp(); refreshSuggestions(); });

    // Edit: put the suggestion into the composer, remembering which one it was.
    document.addEventListener("click", (e) => {
      const button = e.target.closest("[data-edit]");
      if (!button) return;
      const text = document.querySelector("[data-composer-text]");
      document.querySelector("[data-composer-suggestion]").value = button.dataset.suggestionId;
      text.value = button.dataset.text;
      text.focus();
    });

    // Keyboard: Enter accepts the first suggestion; in the composer Enter sends
    // (Shift+Enter for a new line).
    document.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" || e.shiftKey || e.isComposing) return;
      const target = e.target;
      if (target.matches && target.matches("[data-composer-text]")) {
        e.preventDefault();
        target.form.requestSubmit();
        return;
      }
      if (target.closest && target.closest("input, textarea, select, button, summary, a")) return;
      const first = document.querySelector("#suggestions [data-accept]");
      if (first) { e.preventDefault(); first.click(); }
    });
  }

  // Pages that show a summary of the workspace (inbox, journey diagrams): any event
  // re-renders their partial, at most once per 100 ms.
  function refreshingPage(root) {
    const box = root.querySelector("[data-refresh-target]");
    let timer = null;
    function refresh() {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        try { await htmxGet(root.dataset.refreshUrl, box, box, REPLACE); } catch (err) { /* next event */ }
      }, 100);
    }
    liveSocket(root.dataset.wsPath, refresh, refresh);
    everyWhileVisible(+root.dataset.resyncMs, refresh);
  }

  // Reply timers: time since the customer's oldest unanswered message, red past the
  // workspace's target (data-target seconds).
  function elapsedText(seconds) {
    const m = Math.floor(seconds / 60);
    if (m >= 60) return Math.floor(m / 60) + "h " + (m % 60) + "m";
    return m + "m " + (seconds % 60) + "s";
  }
  function tickTimers() {
    document.querySelectorAll("[data-reply-timer][data-since]").forEach((el) => {
      const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(el.dataset.since)) / 1000));
      el.textContent = elapsedText(seconds);
      el.classList.toggle("overdue", seconds > +el.dataset.target);
    });
  }
  setInterval(tickTimers, 1000);

  document.addEventListener("DOMContentLoaded", () => {
    tickTimers();
    const conversation = document.querySelector("[data-live-conversation]");
    if (conversation) conversationPage(conversation);
    const summary = document.querySelector("[data-live-refresh]");
    if (summary) refreshingPage(summary);
  });
})();
