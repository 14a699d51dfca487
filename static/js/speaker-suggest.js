// Speaker filter: suggest public speakers from the API as the reader types (no 5,000-option list).
document.querySelectorAll("input[data-suggest]").forEach((input) => {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const term = input.value.trim();
    if (term.length < 2 || !list) return;
    timer = setTimeout(async () => {
      const response = await fetch(input.dataset.suggest + encodeURIComponent(term));
      if (!response.ok) return;
      const data = await response.json();
      list.replaceChildren(
        ...(data.results || []).slice(0, 20).map((speaker) => {
          const option = document.createElement("option");
          option.value = speaker.slug;
          option.label = speaker.name;
          return option;
        }),
      );
    }, 200);
  });
});
