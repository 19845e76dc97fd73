// A long <select data-searchable> becomes a searchable picker (an ARIA combobox over a listbox):
// type any words of the title, pick with the mouse or the arrow keys and Enter. The <select> stays
// in the form, hidden, and is what gets submitted; without JavaScript it is an ordinary select.
document.querySelectorAll("select[data-searchable]").forEach((select, pickerIndex) => {
  const label = document.querySelector(`label[for="${select.id}"]`);
  const wrapper = document.createElement("div");
  wrapper.className = "picker";
  const input = document.createElement("input");
  input.type = "text";
  input.id = `${select.id}_search`;
  input.autocomplete = "off";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  const describedBy = select.getAttribute("aria-describedby");
  if (describedBy) input.setAttribute("aria-describedby", describedBy);
  if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
  input.placeholder = select.dataset.searchable || "Type to search";
  const list = document.createElement("ul");
  list.id = `${select.id}_options`;
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.setAttribute("aria-controls", list.id);
  if (label) {
    label.htmlFor = input.id;
    list.setAttribute("aria-label", "Matching choices");
  }
  const choices = [...select.options].map((option) => ({ value: option.value, label: option.textContent.trim() }));
  const emptyChoice = choices.find((choice) => choice.value === "");
  const selectedLabel = () => (select.value ? select.selectedOptions[0].textContent.trim() : "");
  input.value = selectedLabel();
  select.hidden = true;
  select.tabIndex = -1;
  select.setAttribute("aria-hidden", "true");
  select.after(wrapper);
  wrapper.append(input, list);

  let shown = [];
  let active = -1;
  const normalise = (text) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const matches = (choice, words) => {
    const text = normalise(choice.label);
    return words.every((word) => text.includes(word));
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const choose = (choice) => {
    select.value = choice.value;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    input.value = choice.value ? choice.label : "";
    close();
  };
  const highlight = (index) => {
    shown.forEach((item, i) => item.element.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", shown[index].element.id);
      shown[index].element.scrollIntoView({ block: "nearest" });
    }
  };
  const render = () => {
    const words = normalise(input.value).split(/\s+/).filter(Boolean);
    const found = choices.filter((choice) => choice.value && matches(choice, words));
    const offered = emptyChoice && !words.length ? [emptyChoice, ...found] : found;
    list.replaceChildren();
    shown = offered.map((choice, i) => {
      const element = document.createElement("li");
      element.id = `picker-${pickerIndex}-option-${i}`;
      element.setAttribute("role", "option");
      element.setAttribute("aria-selected", "false");
      element.textContent = choice.label;
      element.addEventListener("mousedown", (event) => event.preventDefault());
      element.addEventListener("click", () => choose(choice));
      list.append(element);
      return { choice, element };
    });
    if (!shown.length) {
      const none = document.createElement("li");
      none.className = "picker-none";
      none.textContent = "No asset matches; try fewer words.";
      list.append(none);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
    input.removeAttribute("aria-activedescendant");
  };

  input.addEventListener("input", render);
  input.addEventListener("focus", render);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (list.hidden) render();
      if (shown.length) highlight((active + 1) % shown.length);
    } else if (event.key === "ArrowUp" && shown.length && !list.hidden) {
      event.preventDefault();
      highlight(active <= 0 ? shown.length - 1 : active - 1);
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(shown[active].choice);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => {
    setTimeout(() => {
      close();
      const typed = normalise(input.value.trim());
      const exact = choices.find((choice) => choice.value && normalise(choice.label) === typed);
      if (!typed) choose(emptyChoice || { value: "", label: "" });
      else if (exact) choose(exact);
      else input.value = selectedLabel(); // half-typed text never replaces the choice silently
    }, 120);
  });
});
