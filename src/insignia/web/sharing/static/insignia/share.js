/* Copy buttons (progressive enhancement).  Without JavaScript the buttons stay hidden and the
   text fields remain selectable; this file is served from our origin (the site's CSP allows
   no inline or third-party scripts). */
(function () {
  "use strict";

  function say(button, message) {
    var status = button.parentNode.querySelector(".copy-field__status");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = message; }, 30);
    }
  }

  function selectAndCopy(field, button) {
    field.focus();
    field.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    say(button, copied ? "Copied." : "Selected: press Ctrl+C (⌘C on a Mac) to copy.");
  }

  function copy(field, button) {
    var text = field.value;
    var plain = button.getAttribute("data-copy-rich");
    if (!navigator.clipboard || !window.isSecureContext) {
      selectAndCopy(field, button);
      return;
    }
    var done = function () { say(button, plain ? "Signature copied: paste it into your email settings." : "Copied."); };
    var fail = function () { selectAndCopy(field, button); };
    if (plain && window.ClipboardItem) {
      var item = new window.ClipboardItem({
        "text/html": new Blob([text], { type: "text/html" }),
        "text/plain": new Blob([plain], { type: "text/plain" })
      });
      navigator.clipboard.write([item]).then(done, fail);
    } else {
      navigator.clipboard.writeText(text).then(done, fail);
    }
  }

  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    var hint = button.parentNode.querySelector(".copy-field__hint");
    if (hint) { hint.hidden = true; }
    button.addEventListener("click", function () { copy(field, button); });
  });
}());
