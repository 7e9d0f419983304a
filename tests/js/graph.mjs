// graph.mjs — the cycle finder the import tests share (JS modules, C modules).

// Every cycle found by a depth-first walk, each as a list of files.
export function cycles(graph) {
  const state = new Map(); // file → 'open' while on the path, 'done' after
  const path = [];
  const found = [];
  const visit = (f) => {
    state.set(f, 'open');
    path.push(f);
    for (const g of graph.get(f) || []) {
      if (state.get(g) === 'open') found.push([...path.slice(path.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    path.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}
