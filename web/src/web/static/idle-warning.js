// Warns a signed-in person before their session ends for being unused, and lets them stay
// signed in without leaving the page. The page works without it: the session still ends, and
// the next page explains why.
const dialog = document.getElementById("idle-warning");

if (dialog instanceof HTMLDialogElement && typeof dialog.showModal === "function") {
  const second = 1000;
  const warnBefore = Number(dialog.dataset.warnSeconds) * second;
  const idleLimit = Number(dialog.dataset.idleSeconds) * second;
  const timedOut = dialog.dataset.timedOutHref;
  const deadlineText = dialog.querySelector("[data-idle-deadline]");
  const stayForm = dialog.querySelector("form[data-stay-signed-in]");
  const clock = new Intl.DateTimeFormat(document.documentElement.lang || "en", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "Europe/London",
  });
  // The server's limit passes first: by then the session has ended there too.
  const settle = 2 * second;
  let warnTimer;
  let endTimer;

  const schedule = (left) => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    deadlineText.textContent = clock.format(new Date(Date.now() + left));
    warnTimer = setTimeout(() => {
      if (!dialog.open) {
        dialog.showModal();
      }
    }, Math.max(left - warnBefore, 0));
    endTimer = setTimeout(() => window.location.assign(timedOut), left + settle);
  };

  const staySignedIn = async () => {
    try {
      const answer = await fetch(stayForm.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(stayForm)),
        credentials: "same-origin",
        redirect: "manual",
      });
      // The server answers a kept session by sending the browser back to the page.
      if (answer.type !== "opaqueredirect") {
        throw new Error(`staying signed in answered ${answer.status}`);
      }
    } catch {
      stayForm.submit();
      return;
    }
    dialog.close();
    schedule(idleLimit);
  };

  stayForm.addEventListener("submit", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  // Escape means "not now": the person is still there, so they stay signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  schedule(Number(dialog.dataset.secondsLeft) * second);
}
