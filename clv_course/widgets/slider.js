// The course's slider (clv_course/widgets/slider.py): a native range input, named by its label.
const MOVES = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End",
                       "PageUp", "PageDown"]);

// Each view loads this module afresh, so a counter here would restart: the id is random.
function render({ model, el }) {
  const id = `clv-slider-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
  const label = document.createElement("label");
  const input = document.createElement("input");
  const output = document.createElement("output");
  label.htmlFor = id;
  input.type = "range";
  input.id = id;
  output.setAttribute("for", id);
  el.classList.add("clv-slider");
  el.append(label, input, output);

  function show() {
    label.textContent = model.get("description");
    label.style.width = `${model.get("label_width")}em`;
    input.min = model.get("min");
    input.max = model.get("max");
    input.step = model.get("step");
    input.value = model.get("value");
    input.disabled = model.get("disabled");
    output.textContent = model.get("readout");
    input.setAttribute("aria-valuetext", model.get("readout"));
  }
  function send() {
    model.set("value", input.valueAsNumber);
    model.save_changes();
  }
  // JupyterLab reads arrow keys in a notebook as its own shortcuts (ArrowRight jumps to the
  // next heading): the keys a range input moves by stay with it.
  function keep(event) {
    if (MOVES.has(event.key)) event.stopPropagation();
  }
  input.addEventListener("input", send);
  input.addEventListener("keydown", keep);
  const traits = ["description", "label_width", "min", "max", "step", "value", "disabled",
                  "readout"];
  for (const trait of traits) model.on(`change:${trait}`, show);
  show();
  return () => {
    for (const trait of traits) model.off(`change:${trait}`, show);
    input.removeEventListener("input", send);
    input.removeEventListener("keydown", keep);
  };
}

export default { render };
