// The scorecard page: kit beside the form on a wide screen (folded above it on a phone), the chosen
// level's anchor, "evidence required" at the ends of the scale, and the sticky bar's progress.
(() => {
  const kit = document.getElementById("kit");
  if (kit) {
    const wide = window.matchMedia("(min-width: 992px)");
    const place = () => {
      kit.open = wide.matches;
    };
    place();
    wide.addEventListener("change", place);
  }
  const form = document.getElementById("scorecard-form");
  if (!form) return;
  const ends = [form.dataset.scaleMin, form.dataset.scaleMax];
  const scored = document.getElementById("scorecard-scored");
  const refreshDimension = (fieldset) => {
    const chosen = fieldset.querySelector("input[type=radio]:checked");
    const anchor = fieldset.querySelector(".sc-anchor");
    if (anchor) {
      anchor.textContent = chosen ? chosen.dataset.anchor : "Choose a level to see its anchor.";
    }
    const required = fieldset.querySelector(".sc-required");
    if (required) {
      required.hidden = !(chosen && ends.includes(chosen.value));
    }
  };
  const refreshProgress = () => {
    if (!scored) return;
    const focus = form.querySelectorAll("fieldset[data-focus]");
    scored.textContent = Array.from(focus).filter((f) => f.querySelector("input[type=radio]:checked")).length;
  };
  // The control in focus is shown whole: the browser scrolls a control that gets focus only until part of it
  // shows, and not at all for a level reached with the arrow keys while its row is cut by the page's edge.
  form.addEventListener("focusin", (event) => {
    const control = event.target.closest(".sc-level") || event.target;
    requestAnimationFrame(() => control.scrollIntoView({ block: "nearest", behavior: "instant" }));
  });
  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest(".sc-dim");
    if (fieldset && event.target.type === "radio") {
      refreshDimension(fieldset);
      refreshProgress();
    }
  });
})();

// Autosave for the scorecard form: drafts go to the server as the interviewer types.
// Without JavaScript the form still works through its Save draft and Submit buttons.
//
// Each page load names itself with a random tab id (the hidden "tab" input), sent with every
// save and with Submit: the server accepts a save that is only behind this tab's own last save,
// and reports a conflict only when another tab or window wrote in between.
(() => {
  const form = document.getElementById("scorecard-form");
  if (!form || !form.dataset.autosaveUrl) return;
  const status = document.getElementById("autosave-status");
  const problem = document.getElementById("autosave-problem");
  const revision = form.querySelector("input[name=revision]");
  const tab = form.querySelector("input[name=tab]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  if (tab && !tab.value) {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    tab.value = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  let timer = null;
  let dirty = false;
  let saving = null; // the promise of the save in flight, if any
  let queued = false;
  let blocked = false;
  let submitting = false;

  const showProblem = (message, button) => {
    problem.textContent = message;
    if (button) {
      problem.append(" ", button);
    }
    problem.classList.remove("d-none");
  };
  const clearProblem = () => {
    problem.textContent = "";
    problem.classList.add("d-none");
  };

  const send = async () => {
    const body = new FormData(form);
    body.delete("action");
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        body,
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (response.ok) {
        revision.value = data.revision;
        status.textContent = dirty ? "Unsaved changes…" : `Draft saved at ${data.saved_at}.`;
        clearProblem();
      } else if (response.status === 409) {
        blocked = true;
        status.textContent = "Not saved.";
        const keep = document.createElement("button");
        keep.type = "button";
        keep.className = "btn btn-sm btn-warning";
        keep.textContent = "Keep my version and save it";
        keep.addEventListener("click", () => {
          revision.value = data.revision;
          blocked = false;
          dirty = true;
          save();
        });
        showProblem(`${data.message} Open this page in a new tab to see the saved version.`, keep);
      } else if (response.status === 401) {
        blocked = true;
        status.textContent = "Signed out.";
        const link = document.createElement("a");
        link.href = data.login_url;
        link.textContent = "Log in again";
        showProblem(data.message, link);
      } else {
        dirty = true;
        status.textContent = "Not saved.";
        showProblem(data.message || "The draft could not be saved.");
      }
    } catch (error) {
      dirty = true;
      status.textContent = "Offline: not saved yet; retrying when you type again.";
    }
  };

  const save = () => {
    if (blocked || !dirty || submitting) return;
    if (saving) {
      queued = true; // typed while a save was in flight: save again when it returns
      return;
    }
    queued = false;
    dirty = false;
    status.textContent = "Saving…";
    saving = send().finally(() => {
      saving = null;
      if (queued && !blocked && !submitting) {
        save();
      }
    });
  };

  const schedule = () => {
    if (submitting) return;
    dirty = true;
    status.textContent = "Unsaved changes…";
    clearTimeout(timer);
    timer = setTimeout(save, 1200);
  };
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    if (submitting) return;
    submitting = true;
    dirty = false;
    if (!saving) return; // nothing in flight: the post carries the whole form and the latest revision
    // A save is in flight: let it land, then post the whole form with the revision it returned.
    event.preventDefault();
    const submitter = event.submitter;
    status.textContent = "Finishing the save in progress, then submitting…";
    saving.then(() => form.requestSubmit(submitter));
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) {
      event.preventDefault();
    }
  });
})();

// A signal's note box shows once the signal is ticked (or already holds text).
document.querySelectorAll(".signal-row").forEach((row) => {
  const box = row.querySelector("input[type=checkbox]");
  const note = row.querySelector(".signal-note");
  if (!box || !note) return;
  const sync = () => {
    note.hidden = !box.checked && !note.querySelector("textarea").value.trim();
  };
  box.addEventListener("change", sync);
  sync();
});
