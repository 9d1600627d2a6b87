// The staff page of the embeddable views (/nhung/): a copy button beside each
// snippet, and the card chooser (which procedure the card preview and
// snippets show). Without this script the snippets are plain text to select
// and every card is in the list below the example.
(function () {
  "use strict";
  if (navigator.clipboard) {
    Array.prototype.forEach.call(document.querySelectorAll("pre.embed-code > code"), function (code) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button-secondary embed-copy";
      b.textContent = code.dataset.copy;
      var label = code.parentNode.getAttribute("aria-labelledby");
      if (label) b.setAttribute("aria-describedby", label);
      b.addEventListener("click", function () {
        navigator.clipboard.writeText(code.textContent).then(function () {
          b.textContent = code.dataset.copied;
          setTimeout(function () { b.textContent = code.dataset.copy; }, 2000);
        });
      });
      code.parentNode.parentNode.insertBefore(b, code.parentNode.nextSibling);
    });
  }
  var chooser = document.getElementById("embed-choose");
  var select = document.getElementById("embed-card-select");
  var preview = document.getElementById("embed-card-preview");
  if (!chooser || !select || !preview) return;
  var section = chooser.parentNode;
  var codes = section.querySelectorAll("pre.embed-code > code");
  chooser.hidden = false;
  select.addEventListener("change", function () {
    var o = select.options[select.selectedIndex];
    preview.src = o.dataset.preview;
    if (codes[0]) codes[0].textContent = o.dataset.iframe;
    if (codes[1]) codes[1].textContent = o.dataset.link;
    var name = document.getElementById("embed-card-name");
    if (name) name.textContent = o.textContent;
  });
})();
