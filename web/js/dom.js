// Small DOM helpers. Every value coming from the server or a person is put in the page as
// text (text nodes, textContent, attribute values), never parsed as HTML.

// h('button', {class: 'primary', type: 'button', onclick: fn}, 'Save')
export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith('on') && typeof value === 'function') {
        node.addEventListener(key.slice(2).toLowerCase(), value);
      } else if (key === 'class') {
        node.className = value;
      } else if (key === 'text') {
        node.textContent = value;
      } else if (key === 'dataset') {
        Object.assign(node.dataset, value);
      } else if (key === 'value' || key === 'checked' || key === 'disabled' || key === 'hidden' ||
                 key === 'required' || key === 'selected' || key === 'multiple') {
        node[key] = value;
      } else {
        node.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.append(child);
    else node.append(document.createTextNode(String(child)));
  }
}

let uniqueCounter = 0;
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

// A labelled form control: field('Email', h('input', {type: 'email'})) → wrapper element.
export function field(labelText, control, hint) {
  if (!control.id) control.id = uniqueId('f');
  const parts = [h('label', { for: control.id }, labelText), control];
  if (hint) {
    const hintNode = h('p', { class: 'hint', id: control.id + '-hint' }, hint);
    control.setAttribute('aria-describedby', hintNode.id);
    parts.push(hintNode);
  }
  return h('div', { class: 'field' }, parts);
}

// Polite announcement for screen readers (and the tests, which read it too).
export function announce(message) {
  const node = document.getElementById('announcer');
  if (!node) return;
  node.textContent = '';
  setTimeout(() => {
    node.textContent = message;
  }, 30);
}

// A modal <dialog>. Returns {dialog, body, close}. Closing returns focus to the opener.
export function openDialog({ title, className, content, onClose, describedBy }) {
  const opener = document.activeElement;
  const titleId = uniqueId('dlg-title');
  const body = h('div', { class: 'dialog-body' }, content);
  const closeButton = h('button', { type: 'button', class: 'icon-button dialog-close', 'aria-label': 'Close' }, '×');
  const dialog = h('dialog', { class: 'dialog ' + (className || ''), 'aria-labelledby': titleId,
    'aria-describedby': describedBy },
  h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, title), closeButton), body);
  const close = () => {
    if (dialog.open) dialog.close();
  };
  closeButton.addEventListener('click', close);
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (onClose) onClose();
    if (opener && opener.isConnected && typeof opener.focus === 'function') opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, body, close };
}

// Asks a yes/no question in a dialog; resolves true when confirmed.
export function confirmDialog({ title, message, confirmLabel, danger }) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h('button', { type: 'button', class: danger ? 'danger' : 'primary' }, confirmLabel || 'OK');
    const no = h('button', { type: 'button' }, 'Cancel');
    const { close } = openDialog({
      title,
      className: 'confirm',
      content: [h('p', null, message), h('div', { class: 'actions' }, yes, no)],
      onClose: () => resolve(answer),
    });
    yes.addEventListener('click', () => {
      answer = true;
      close();
    });
    no.addEventListener('click', close);
    yes.focus();
  });
}

// Shows a value of a record as plain text.
export function displayValue(value) {
  if (value === null || value === undefined || value === '') return '(empty)';
  if (value === true) return 'Yes';
  if (value === false) return 'No';
  return String(value);
}

// Offers a text as a file download (Blob URL, no server round trip).
export function downloadText(fileName, text, type) {
  const blob = new Blob([text], { type: type || 'text/plain;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    link.remove();
  }, 1000);
}

export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function plural(count, one, many) {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many || one + 's'}`;
}
