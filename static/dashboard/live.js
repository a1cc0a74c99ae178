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

  async function getPartial(url) {
    const response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
    if (!response.ok) throw new Error(url + " answered " + response.status);
    return response.text();
  }

  function conversationPage(root) {
    const list = document.getElementById("messages");
    const messagesUrl = root.dataset.messagesUrl;
    const suggestionsUrl = root.dataset.suggestionsUrl;
    let lastSeq = 0;
    list.querySelectorAll("[data-seq]").forEach((li) => { lastSeq = Math.max(lastSeq, +li.dataset.seq); });
    let inFlight = false;
    let again = false;

    async function catchUp() {
      if (inFlight) { again = true; return; }
      inFlight = true;
      try {
        do {
          again = false;
          const template = document.createElement("template");
          template.innerHTML = await getPartial(messagesUrl + "?after=" + lastSeq);
          const items = template.content.querySelectorAll("[data-seq]");
          items.forEach((li) => {
            const seq = +li.dataset.seq;
            if (seq <= lastSeq || list.querySelector('[data-seq="' + seq + '"]')) return;
            list.appendChild(li);
            lastSeq = seq;
          });
          if (items.length >= 200) again = true; // a long gap comes in pages
        } while (again);
        list.scrollTop = list.scrollHeight;
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
        const template = document.createElement("template");
        template.innerHTML = await getPartial(messagesUrl + "?after=" + (seq - 1) + "&limit=1");
        const fresh = template.content.querySelector('[data-seq="' + seq + '"]');
        if (fresh) shown.replaceWith(fresh);
      } catch (err) { /* the page still shows the message, without its badges */ }
    }

    async function refreshJourney() {
      const box = document.getElementById("journey");
      try {
        box.innerHTML = await getPartial(root.dataset.journeyUrl);
        if (window.htmx) window.htmx.process(box);
      } catch (err) { /* the next event refreshes again */ }
    }

    async function refreshSuggestions(unlessBusy) {
      const box = document.getElementById("suggestions");
      if (unlessBusy && busy(box)) return;
      try {
        box.innerHTML = await getPartial(suggestionsUrl);
        if (window.htmx) window.htmx.process(box);
      } catch (err) { /* the next event or reconnect refreshes again */ }
    }

    function onEvent(event) {
      if (event.type === "message.created" && event.seq > lastSeq) catchUp();
      else if (event.type === "suggestions.ready") refreshSuggestions();
      else if (event.type === "conversation.state") refreshJourney();
      else if (event.type === "message.analysed") { refreshMessage(event.seq); refreshJourney(); }
      else if (event.type === "message.delivery") {
        const badge = list.querySelector('[data-message-id="' + event.message_id + '"] [data-delivery]');
        if (badge) badge.textContent = event.delivery.charAt(0).toUpperCase() + event.delivery.slice(1);
      }
    }

    liveSocket(root.dataset.wsPath, onEvent, () => { catchUp(); refreshSuggestions(); refreshJourney(); });
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
        try { box.innerHTML = await getPartial(root.dataset.refreshUrl); } catch (err) { /* next event */ }
      }, 100);
    }
    liveSocket(root.dataset.wsPath, refresh, refresh);
    everyWhileVisible(+root.dataset.resyncMs, refresh);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const conversation = document.querySelector("[data-live-conversation]");
    if (conversation) conversationPage(conversation);
    const summary = document.querySelector("[data-live-refresh]");
    if (summary) refreshingPage(summary);
  });
})();
