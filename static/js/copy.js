// "Copy" buttons for citation strings. Without JavaScript the text stays selectable plain text.
document.querySelectorAll("[data-copy-target]").forEach(function (button) {
  var target = document.getElementById(button.getAttribute("data-copy-target"));
  if (!target || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(target.value || target.textContent).then(function () {
      var status = document.getElementById(button.getAttribute("aria-describedby"));
      if (status) status.textContent = "Copied.";
    });
  });
});
