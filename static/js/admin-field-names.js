// Give Wagtail's tag and rich-text widgets the accessible name of their field.
// Both replace a labelled <input> with an unlabelled one (the tag entry box, the Draftail
// editor), so screen readers announce them without a name. Each field's heading has the
// id "<original input id>-label"; point the replacement at it.
(function () {
    const WIDGETS = ".tagit .ui-autocomplete-input, .Draftail-Editor [contenteditable=true][role=textbox]";

    function nameWidgets() {
        document.querySelectorAll(WIDGETS).forEach((widget) => {
            if (widget.hasAttribute("aria-labelledby") || widget.hasAttribute("aria-label")) return;
            const original = widget.closest("[data-field-input]")?.querySelector("input[id]");
            const label = original && document.getElementById(`${original.id}-label`);
            if (label) widget.setAttribute("aria-labelledby", label.id);
        });
    }

    nameWidgets();
    new MutationObserver(nameWidgets).observe(document.body, { childList: true, subtree: true });
})();
