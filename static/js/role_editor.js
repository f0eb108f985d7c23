// The role editor: what is typed is saved on the server as you type (the form works without this script,
// through its Save and add/remove buttons). Each save carries the draft's revision; when someone else saved
// since, the server refuses (409) and the page says who and when, and stops saving: nothing is overwritten.
(() => {
  const form = document.getElementById("role-editor");
  if (!form || !form.dataset.autosaveUrl) return;
  const status = document.getElementById("autosave-status");
  const conflict = document.getElementById("draft-conflict");
  const revisions = () => document.querySelectorAll("input[name=revision]");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let timer = null;
  let saving = false;
  let queued = false;
  let blocked = !conflict.classList.contains("d-none");
  let pending = false; // the form was sent while a save was on its way: sent again once that save is back
  let submitter = null; // the button that sent it

  const fields = () => {
    const pairs = [];
    for (const [name, value] of new FormData(form)) {
      if (name !== "csrfmiddlewaretoken" && name !== "revision" && typeof value === "string") {
        pairs.push([name, value]);
      }
    }
    return pairs;
  };

  const save = async () => {
    if (blocked) return;
    if (saving) {
      queued = true;
      return;
    }
    saving = true;
    status.textContent = "Saving…";
    try {
      const response = await fetch(form.dataset.autosaveUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ revision: form.querySelector("input[name=revision]").value, fields: fields() }),
        credentials: "same-origin",
      });
      const answer = await response.json().catch(() => ({}));
      if (response.ok) {
        revisions().forEach((input) => {
          input.value = answer.revision;
        });
        status.textContent = `Saved at ${answer.saved_at}.`;
      } else if (response.status === 409) {
        blocked = true;
        conflict.textContent = answer.message;
        conflict.classList.remove("d-none");
        status.textContent = "Not saved.";
      } else {
        status.textContent = answer.message || "Not saved: the server refused it.";
      }
    } catch (error) {
      status.textContent = "Not saved: no connection. Your changes are still on this page.";
    } finally {
      saving = false;
      if (pending && !blocked) {
        pending = false;
        if (submitter) form.requestSubmit(submitter); // with the revision that save returned
        else form.requestSubmit();
        return;
      }
      if (queued && !blocked) {
        queued = false;
        save();
      }
    }
  };

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
  form.addEventListener("change", (event) => {
    // A new lowest or highest level: the page is sent, so that it shows the labels of the scale's levels.
    if (event.target.name === "rubric.scale.min" || event.target.name === "rubric.scale.max") return;
    clearTimeout(timer);
    timer = setTimeout(save, 200);
  });
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    if (saving) {
      event.preventDefault();
      pending = true;
      submitter = event.submitter || null;
      return;
    }
    blocked = true; // the post saves it all; no autosave may race it
  });
})();
