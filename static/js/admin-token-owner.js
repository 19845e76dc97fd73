// Wagtail's "Add API token" form asks for the token's User from the people the signed-in person
// may make tokens for, and starts at "---------" even when that is only themselves (a rep), so a
// rep's first try fails with "This field is required". With one person to choose, choose them.
(function () {
    const owner = document.querySelector('form[action$="/api-tokens/new/"] select[name="user"]');
    if (!owner || owner.value) return;
    const people = [...owner.options].filter((option) => option.value);
    if (people.length === 1) owner.value = people[0].value;
})();
