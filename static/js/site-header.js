// Site header and small page widgets, on every site page. Without JavaScript everything still
// works: the menu is shown in full, the search box submits to /search/, filters sit below results.
document.documentElement.classList.add("js");

// Compact header on small screens: a "Menu" button shows and hides the navigation; Escape
// closes an open menu and gives focus back to the button (unless Escape closed something else).
(() => {
  const toggle = document.querySelector(".menu-toggle");
  const header = document.querySelector(".site-header");
  if (!toggle || !header) return;
  toggle.hidden = false;
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    header.classList.toggle("nav-open", open);
  };
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || toggle.getAttribute("aria-expanded") !== "true") return;
    setOpen(false);
    toggle.focus();
  });
})();

// The header search box as an ARIA combobox (WAI-ARIA APG "list autocomplete"): suggestions from
// /api/suggest as you type; Down/Up move through them, Enter opens one, Escape closes the list.
(() => {
  const form = document.querySelector(".header-search");
  if (!form) return;
  const input = form.querySelector("[role=combobox]");
  const list = form.querySelector("[role=listbox]");
  const status = form.querySelector("[data-suggest-status]");
  const kinds = { objection: "Objection", persona: "Persona", collateral: "Collateral" };
  let options = [];
  let active = -1;
  let timer = null;
  let latest = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const highlight = (index) => {
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const show = (suggestions) => {
    list.replaceChildren();
    options = suggestions.map((suggestion, i) => {
      const option = document.createElement("li");
      option.id = `header-suggestion-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = suggestion.url;
      const label = document.createElement("span");
      label.textContent = suggestion.label;
      const kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = kinds[suggestion.type] || "";
      option.append(label, " ", kind);
      option.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus in the box
      option.addEventListener("click", () => window.location.assign(suggestion.url));
      list.append(option);
      return option;
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.hidden = options.length === 0;
    input.setAttribute("aria-expanded", String(options.length > 0));
    status.textContent = options.length
      ? `${options.length} suggestion${options.length === 1 ? "" : "s"}, use the arrow keys`
      : "";
  };

  const fetchSuggestions = async () => {
    const text = input.value.trim();
    const request = ++latest;
    if (text.length < 2) {
      show([]);
      return;
    }
    try {
      const response = await fetch(`${form.dataset.suggestUrl}?q=${encodeURIComponent(text)}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (!response.ok || request !== latest) return;
      const data = await response.json();
      if (request === latest) show(data.suggestions || []);
    } catch {
      // Suggestions are a convenience: the box still searches on Enter.
    }
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      if (list.hidden) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length && !list.hidden) {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.assign(options[active].dataset.url);
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        close();
      } else {
        input.value = "";
      }
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
})();

// A drawer (the search page's filters on small screens): the button opens it, Escape or its
// close button shuts it and gives focus back to the button.
document.querySelectorAll("[data-drawer-toggle]").forEach((toggle) => {
  const drawer = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!drawer) return;
  const closeButton = drawer.querySelector("[data-drawer-close]");
  toggle.hidden = false;
  if (closeButton) closeButton.hidden = false;
  drawer.classList.add("drawer");
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    drawer.classList.toggle("drawer-open", open);
    if (open) {
      drawer.focus();
    }
  };
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  if (closeButton) {
    closeButton.addEventListener("click", () => {
      setOpen(false);
      toggle.focus();
    });
  }
  drawer.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawer.classList.contains("drawer-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
});
