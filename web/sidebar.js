// sidebar.js: the objects with their entry counts, and each object's saved
// views under it. Links are hash routes (#/o/people, #/v/3) that app.js
// follows; the current one is marked with aria-current.

export function renderSidebar(list, objects, views) {
  list.replaceChildren();
  for (const o of objects) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = `#/o/${encodeURIComponent(o.slug)}`;
    a.className = 'object';
    a.dataset.route = a.getAttribute('href');
    const name = document.createElement('span');
    name.textContent = o.name;
    const count = document.createElement('span');
    count.className = 'count';
    count.textContent = o.count ?? '';
    count.setAttribute('aria-label', `${o.count} entries`);
    a.append(name, count);
    li.append(a);
    const mine = views.filter((v) => v.object === o.slug);
    if (mine.length) {
      const ul = document.createElement('ul');
      ul.className = 'views';
      for (const v of mine) {
        const vli = document.createElement('li');
        const va = document.createElement('a');
        va.href = `#/v/${v.id}`;
        va.dataset.route = va.getAttribute('href');
        va.textContent = v.name;
        vli.append(va);
        ul.append(vli);
      }
      li.append(ul);
    }
    list.append(li);
  }
}

// Mark the link of route (a hash) as the current page: the link equal to
// it, or else the longest one it lies under (#/o/deals for
// #/o/deals/kanban, #/import for #/import/people).
export function markCurrent(list, route) {
  let best = null;
  for (const a of list.querySelectorAll('a[data-route]')) {
    const r = a.dataset.route;
    const under = route === r || route.startsWith(r + '/');
    if (under && (!best || r.length > best.dataset.route.length)) best = a;
  }
  for (const a of list.querySelectorAll('a[data-route]')) {
    if (a === best) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}
