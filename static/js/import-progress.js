// The library import's progress bar (content/import_views.py): poll the job's status, reload when done.
(function () {
    "use strict";
    var box = document.querySelector("[data-import-status]");
    if (!box) return;
    var bar = box.querySelector("progress");
    var count = box.querySelector("[data-import-count]");
    var label = box.querySelector("[data-import-label]");
    function poll() {
        fetch(box.getAttribute("data-import-status"), { credentials: "same-origin", cache: "no-store" })
            .then(function (response) { return response.json(); })
            .then(function (status) {
                bar.value = status.percent;
                bar.textContent = status.percent + "%";
                count.textContent = status.done + " of " + (status.total || "?");
                label.textContent = status.label;
                if (status.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
            })
            .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
})();
