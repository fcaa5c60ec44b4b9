// The grid of one table (AG Grid Community, infinite row model fed page by page by the API),
// with the Users table's extras: license counter, locked fields, external rows.
import { api } from './api.js';
import { announce, confirmDialog, displayValue, field, formatTime, h, openDialog, plural } from './dom.js';
import { openImportDialog } from './importer.js';
import { findWorkspace, notFoundPage, roleBadge } from './pages.js';
import { openMembersDialog } from './sharing.js';
import { companyById, roleAtLeast } from './state.js';

const BLOCK = 100;
const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const USERS_LOCKED = new Set(['User ID', 'External?', 'Validation result']);
const TYPES = [
  ['text', 'Text'], ['number', 'Number'], ['checkbox', 'Checkbox'], ['select', 'Select (one of a list)'],
  ['email', 'Email'], ['date', 'Date'],
];

function hasAccount(record) {
  const result = record && record.values ? record.values['Validation result'] : null;
  return typeof result === 'string' && result.startsWith('OK');
}

function isExternal(record) {
  return !!(record && record.values && record.values['External?'] === true);
}

// The value a person typed, as the API wants it (empty is null).
function normalise(fieldDef, value) {
  if (value === undefined || value === '') return null;
  if (value === null) return null;
  switch (fieldDef.type) {
    case 'number': {
      if (typeof value === 'number') return Number.isFinite(value) ? value : null;
      const parsed = Number(String(value).trim());
      return String(value).trim() === '' ? null : Number.isFinite(parsed) ? parsed : String(value);
    }
    case 'checkbox':
      return value === true || value === 'true';
    case 'date':
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      return String(value);
    default:
      return String(value);
  }
}

export async function tablePage(wid, tid) {
  const workspace = await findWorkspace(wid);
  if (!workspace) return notFoundPage('This workspace');
  const tables = await api('GET', `/workspaces/${wid}/tables`);
  const table = tables.find((t) => t.id === tid);
  if (!table) return notFoundPage('This table');
  const company = companyById(workspace.companyId);
  let admin = null;
  if (company && company.admin) {
    try {
      admin = await api('GET', `/admin?company=${workspace.companyId}`);
    } catch (error) {
      admin = null;
    }
  }
  const isUsers = !!admin && admin.usersTableId === tid;
  return new TableView({ workspace, table, admin, isUsers }).render();
}

class TableView {
  constructor({ workspace, table, admin, isUsers }) {
    this.workspace = workspace;
    this.table = table;
    this.admin = admin;
    this.isUsers = isUsers;
    this.search = '';
    this.total = null;
    this.saves = new Map(); // record id → {record, optimistic: {field: value}, chain}
    this.saved = new Map(); // record id → the server's answer to this page's last save of it
    this.canWrite = roleAtLeast(workspace.role, 'editor');
    this.canManage = roleAtLeast(workspace.role, 'admin');
    this.disposers = [];
    this.rowWaiters = []; // [{index, resolve}] until the block holding that row is loaded
  }

  // Resolves once the block holding row `index` has been (re)loaded, or after a while.
  waitForRow(index) {
    return new Promise((resolve) => {
      const waiter = { index, resolve };
      this.rowWaiters.push(waiter);
      setTimeout(() => {
        this.rowWaiters = this.rowWaiters.filter((w) => w !== waiter);
        resolve();
      }, 5000);
    });
  }

  fieldByName(name) {
    return this.table.fields.find((f) => f.name === name);
  }

  // ------------------------------------------------------------------ layout

  render() {
    document.title = `${this.table.name} · Worktable`;
    const t = this.table;
    this.notice = h('div', { class: 'notice-bar', role: 'alert', hidden: true });
    this.status = h('p', { class: 'grid-status', role: 'status', 'aria-live': 'polite' });
    this.count = h('span', { class: 'record-count' });
    this.empty = h('div', { class: 'empty-state grid-empty', hidden: true });
    this.gridElement = h('div', { class: 'grid', id: 'grid', 'aria-label': `${t.name} records` });
    this.historyPanel = h('aside', { class: 'history-panel', 'aria-label': 'Row history', hidden: true });

    const searchBox = h('input', { type: 'search', id: 'table-search', placeholder: 'Search all columns',
      autocomplete: 'off' });
    let searchTimer = null;
    const runSearch = () => {
      clearTimeout(searchTimer);
      if (searchBox.value === this.search) return;
      this.search = searchBox.value;
      this.reload(true);
    };
    searchBox.addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(runSearch, 300);
    });
    searchBox.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') runSearch();
    });

    const toolbar = h('div', { class: 'toolbar' },
      this.canWrite ? h('button', { type: 'button', id: 'add-row', class: 'primary', onclick: () => this.addRow() },
        '+ Add row') : null,
      this.canManage && !this.isUsers
        ? h('button', { type: 'button', id: 'add-column', onclick: () => this.addColumnDialog() }, '+ Add column') : null,
      h('div', { class: 'search' }, h('label', { for: 'table-search' }, 'Search'), searchBox),
      h('span', { class: 'spacer' }),
      this.canWrite ? h('button', { type: 'button', id: 'import', onclick: () => this.importDialog() }, 'Import CSV…') : null,
      h('a', { class: 'button', id: 'export', href: `/api/v1/tables/${t.id}/export`,
        download: `${t.name.replace(/[^\w-]+/g, '_') || 'export'}.csv` }, 'Export CSV'),
      this.canManage ? h('button', { type: 'button', onclick: () => openMembersDialog(this.workspace) }, 'Share…') : null);

    this.licenseBar = this.isUsers ? this.renderLicenses() : null;

    const help = h('p', { class: 'grid-help', id: 'grid-help' },
      'Type to edit a cell, Enter or Tab to save, Esc to cancel. Arrows move; Ctrl+↓ or Ctrl+End goes to the last row. ' +
      'Right-click a row (or press Shift+F10) for its history and to delete it.');

    const view = h('section', { class: 'page table-page' },
      h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/' }, 'Workspaces'), ' › ',
        h('a', { href: `#/w/${this.workspace.id}` }, this.workspace.name), ' › ',
        h('span', { 'aria-current': 'page' }, t.name)),
      h('div', { class: 'title-row' }, h('h1', { tabindex: '-1' }, t.name), roleBadge(this.workspace.role), this.count),
      this.licenseBar, toolbar, this.notice, this.status, help, this.empty,
      h('div', { class: 'grid-area' }, this.gridElement, this.historyPanel));
    this.view = view;
    this.createGrid();
    this.gridElement.setAttribute('aria-describedby', 'grid-help');
    return {
      view,
      focus: () => view.querySelector('h1').focus(),
      dispose: () => this.dispose(),
    };
  }

  dispose() {
    this.hideCellError();
    this.closeMenu();
    for (const fn of this.disposers) fn();
    if (this.grid) this.grid.destroy();
    this.grid = null;
  }

  showNotice(message, kind) {
    this.notice.hidden = !message;
    this.notice.className = `notice-bar ${kind || 'error'}`;
    this.notice.replaceChildren(h('span', null, message || ''),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss', onclick: () => this.showNotice('') }, '×'));
  }

  say(message) {
    this.status.textContent = message;
  }

  // ------------------------------------------------------------------ licenses (Users table)

  renderLicenses() {
    const bar = h('div', { class: 'license-bar', id: 'licenses', role: 'group', 'aria-label': 'Plan & billing' });
    this.drawLicenses(bar, this.admin.licenses);
    return bar;
  }

  drawLicenses(bar, licenses) {
    const meter = h('meter', { min: 0, max: Math.max(licenses.total, 1), value: licenses.used, low: licenses.total * 0.8,
      high: licenses.total, optimum: 0, 'aria-label': 'Licenses used' });
    const text = h('strong', { id: 'license-count' }, `${licenses.used} of ${licenses.total} licenses used`);
    const change = h('button', { type: 'button', class: 'quiet', id: 'change-licenses' }, 'Change total');
    const free = licenses.free === 0
      ? h('span', { class: 'warning-text' }, 'No license free: raise the total to activate more people.')
      : h('span', { class: 'muted' }, `${licenses.free} free`);
    bar.replaceChildren(h('span', { class: 'bar-title' }, 'Plan & billing'), meter, text, free, change);
    change.addEventListener('click', () => {
      const input = h('input', { type: 'number', min: 0, step: 1, value: licenses.total, id: 'license-total',
        required: true });
      const error = h('span', { class: 'form-error', role: 'alert' });
      const formNode = h('form', { class: 'license-form' },
        h('label', { for: 'license-total' }, 'Total licenses'), input,
        h('button', { type: 'submit', class: 'primary' }, 'Save'),
        h('button', { type: 'button', onclick: () => this.drawLicenses(bar, licenses) }, 'Cancel'), error);
      formNode.addEventListener('submit', async (event) => {
        event.preventDefault();
        const total = Number(input.value);
        if (!Number.isInteger(total) || total < 0) {
          error.textContent = 'Give a whole number.';
          return;
        }
        try {
          const answer = await api('PUT', `/admin/licenses?company=${this.admin.companyId}`, { total });
          this.admin.licenses = answer;
          this.drawLicenses(bar, answer);
          announce(`${answer.used} of ${answer.total} licenses used.`);
          bar.querySelector('#change-licenses').focus();
        } catch (failure) {
          error.textContent = failure.message;
        }
      });
      bar.replaceChildren(h('span', { class: 'bar-title' }, 'Plan & billing'), text, formNode);
      input.focus();
      input.select();
    });
  }

  async refreshLicenses() {
    if (!this.isUsers) return;
    try {
      const admin = await api('GET', `/admin?company=${this.admin.companyId}`);
      this.admin.licenses = admin.licenses;
      if (!this.licenseBar.querySelector('form')) this.drawLicenses(this.licenseBar, admin.licenses);
    } catch (error) {
      // the counter keeps its last figure
    }
  }

  // ------------------------------------------------------------------ the grid

  columnDefs() {
    const columns = [{
      colId: '#',
      headerName: '#',
      width: 76,
      pinned: 'left',
      sortable: false,
      editable: false,
      resizable: false,
      suppressMovable: true,
      suppressNavigable: true,
      cellClass: 'rownum-cell',
      valueGetter: (p) => (p.node && p.node.rowIndex !== null && p.node.rowIndex !== undefined ? p.node.rowIndex + 1 : ''),
      valueFormatter: (p) => (p.value === '' ? '' : Number(p.value).toLocaleString('en-US')),
    }];
    for (const f of this.table.fields) columns.push(this.fieldColumn(f));
    return columns;
  }

  fieldColumn(f) {
    const column = {
      colId: f.name,
      headerName: f.name,
      headerTooltip: `${f.name} (${f.type}${f.readOnly ? ', read-only' : ''})`,
      sortable: true,
      resizable: true,
      width: { checkbox: 115, number: 130, date: 140, select: 130, email: 200 }[f.type] || (this.isUsers ? 150 : 180),
      valueGetter: (p) => (p.data ? (p.data.values[f.name] ?? null) : undefined),
      editable: (p) => this.cellEditable(p.data, f),
      cellClassRules: {
        'cell-saving': (p) => !!(p.data && p.data.saving && p.data.saving[f.name]),
        'cell-error': (p) => !!(p.data && p.data.errors && p.data.errors[f.name]),
        'cell-locked': (p) => !!p.data && this.canWrite && !this.cellEditable(p.data, f),
      },
    };
    switch (f.type) {
      case 'number':
        column.cellDataType = 'number';
        column.cellEditor = 'agNumberCellEditor';
        column.type = 'rightAligned';
        column.valueFormatter = (p) => (p.value === null || p.value === undefined ? '' : String(p.value));
        break;
      case 'checkbox':
        column.cellDataType = 'boolean';
        // Empty shows as unchecked (not AG Grid's "indeterminate" dash).
        column.valueGetter = (p) => (p.data ? p.data.values[f.name] === true : undefined);
        break;
      case 'date':
        column.cellDataType = 'dateString';
        break;
      case 'select':
        column.cellDataType = 'text';
        column.cellEditor = 'agSelectCellEditor';
        column.cellEditorParams = { values: ['', ...(f.options || [])] };
        break;
      default:
        column.cellDataType = 'text';
        column.valueFormatter = (p) => (p.value === null || p.value === undefined ? '' : String(p.value));
    }
    if (this.isUsers && f.name === 'Validation result') {
      column.flex = 1;
      column.minWidth = 320;
      column.cellClassRules['vr-ok'] = (p) => typeof p.value === 'string' && p.value.startsWith('OK');
      column.cellClassRules['vr-warn'] = (p) => typeof p.value === 'string' && p.value !== '' && !p.value.startsWith('OK');
      column.tooltipValueGetter = (p) => (p.value ? String(p.value) : null);
    }
    return column;
  }

  cellEditable(record, f) {
    if (!record || !this.canWrite || f.readOnly) return false;
    if (this.isUsers) {
      if (isExternal(record)) return false;
      if (USERS_LOCKED.has(f.name) && hasAccount(record)) return false;
    }
    return true;
  }

  createGrid() {
    const options = {
      columnDefs: this.columnDefs(),
      defaultColDef: { minWidth: 70, suppressHeaderMenuButton: true, suppressHeaderFilterButton: true },
      rowModelType: 'infinite',
      cacheBlockSize: BLOCK,
      maxBlocksInCache: 60,
      blockLoadDebounceMillis: 40,
      maxConcurrentDatasourceRequests: 2,
      rowHeight: 34,
      headerHeight: 38,
      getRowId: (p) => String(p.data.id),
      datasource: this.datasource(),
      readOnlyEdit: true,
      enterNavigatesVerticallyAfterEdit: true,
      stopEditingWhenCellsLoseFocus: true,
      undoRedoCellEditing: false,
      preventDefaultOnContextMenu: true,
      suppressNoRowsOverlay: true,
      suppressCellFocus: false,
      tooltipShowDelay: 400,
      rowClassRules: {
        'row-external': (p) => this.isUsers && isExternal(p.data),
      },
      onCellEditRequest: (event) => this.onEditRequest(event),
      onCellContextMenu: (event) => {
        if (!event.data) return;
        const mouse = event.event;
        this.openMenu(event.node, event.column ? event.column.getColId() : null,
          { x: mouse ? mouse.clientX : 0, y: mouse ? mouse.clientY : 0 });
      },
      onCellEditingStarted: () => this.hideCellError(),
      onBodyScroll: () => this.hideCellError(),
      onSortChanged: () => this.api && this.api.ensureIndexVisible(0),
    };
    this.api = agGrid.createGrid(this.gridElement, options);
    this.grid = this.api;
    const keydown = (event) => this.onGridKeyDown(event);
    this.gridElement.addEventListener('keydown', keydown, true);
    this.disposers.push(() => this.gridElement.removeEventListener('keydown', keydown, true));
  }

  datasource() {
    return {
      getRows: async (params) => {
        const query = new URLSearchParams({ offset: String(params.startRow), limit: String(params.endRow - params.startRow) });
        const sort = (params.sortModel || []).find((s) => s.colId !== '#');
        if (sort) {
          query.set('sort', sort.colId);
          if (sort.sort === 'desc') query.set('desc', '1');
        }
        if (this.search) query.set('q', this.search);
        const search = this.search;
        try {
          const page = await api('GET', `/tables/${this.table.id}/records?${query}`);
          const rows = page.records.map((record) => this.withPending(record));
          params.successCallback(rows, page.total);
          this.setTotal(page.total, search);
          this.rowWaiters = this.rowWaiters.filter((waiter) => {
            if (waiter.index < params.startRow || waiter.index >= params.endRow) return true;
            setTimeout(waiter.resolve, 0);
            return false;
          });
        } catch (error) {
          params.failCallback();
          if (error.status !== 401) this.showNotice(`The rows could not be loaded: ${error.message}`);
        }
      },
    };
  }

  // A record fresh from the server, with the values still being saved laid over it. A page
  // asked for before a save finished may bring the row's older version: the newer one stays.
  withPending(fetched) {
    const record = this.newest(fetched);
    const pending = this.saves.get(record.id);
    if (!pending || Object.keys(pending.optimistic).length === 0) return record;
    return this.display(pending);
  }

  setTotal(total, search) {
    this.total = total;
    this.count.textContent = search ? `${plural(total, 'record')} match “${search}”` : plural(total, 'record');
    this.empty.hidden = total !== 0;
    if (total === 0) {
      if (search) {
        this.empty.replaceChildren(h('p', null, `No record matches “${search}”.`),
          h('p', null, 'Search looks in every column. Clear the search box to see all records.'));
      } else {
        this.empty.replaceChildren(h('p', null, 'No records yet.'),
          h('p', null, this.canWrite
            ? 'Add a row with “+ Add row”, or bring many at once with “Import CSV…”.'
            : 'Records added by the editors of this workspace will appear here.'));
      }
    }
  }

  reload(toTop) {
    if (!this.api) return;
    this.hideCellError();
    if (toTop) {
      this.api.purgeInfiniteCache();
      this.api.ensureIndexVisible(0);
    } else {
      this.api.refreshInfiniteCache();
    }
  }

  // ------------------------------------------------------------------ keyboard

  onGridKeyDown(event) {
    if (!this.api) return;
    const editing = this.api.getEditingCells().length > 0;
    if (editing) return;
    const ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && (event.key === 'End' || event.key === 'Home')) {
      const count = this.api.getDisplayedRowCount();
      if (count === 0) return;
      const columns = this.api.getAllDisplayedColumns().filter((c) => c.getColId() !== '#');
      const rowIndex = event.key === 'End' ? count - 1 : 0;
      const column = event.key === 'End' ? columns[columns.length - 1] : columns[0];
      event.preventDefault();
      event.stopPropagation();
      this.api.ensureIndexVisible(rowIndex, event.key === 'End' ? 'bottom' : 'top');
      this.api.ensureColumnVisible(column);
      this.api.setFocusedCell(rowIndex, column);
      return;
    }
    if (event.key === 'ContextMenu' || (event.shiftKey && event.key === 'F10')) {
      const focused = this.api.getFocusedCell();
      if (!focused) return;
      const node = this.api.getDisplayedRowAtIndex(focused.rowIndex);
      if (!node || !node.data) return;
      event.preventDefault();
      event.stopPropagation();
      const cell = this.cellElement(node.data.id, focused.column.getColId());
      const rect = cell ? cell.getBoundingClientRect() : this.gridElement.getBoundingClientRect();
      this.openMenu(node, focused.column.getColId(), { x: rect.left + 8, y: rect.bottom });
    }
  }

  cellElement(recordId, colId) {
    const escaped = CSS.escape(String(recordId));
    // AG Grid writes the col-id attribute HTML-escaped ("colIdSanitised").
    const col = CSS.escape(colId.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]));
    return this.gridElement.querySelector(`.ag-row[row-id="${escaped}"] .ag-cell[col-id="${col}"]`);
  }

  focusCell(node, colId) {
    if (node && node.rowIndex !== null && node.rowIndex !== undefined) this.api.setFocusedCell(node.rowIndex, colId);
  }

  // ------------------------------------------------------------------ saving a cell

  onEditRequest(event) {
    const f = this.fieldByName(event.column.getColId());
    if (!f || !event.data) return;
    // AG Grid's event can carry the row's data as it was when the editor opened: typing a row
    // cell after cell with Tab, the save of one cell may finish while the next one is being
    // edited, and that older version would make the next save a stale_version refusal.
    const record = this.newest(event.data, event.node && event.node.data);
    if (!this.cellEditable(record, f)) return;
    const value = normalise(f, event.newValue);
    const current = record.values[f.name] ?? null;
    if (value === current) return;
    let entry = this.saves.get(record.id);
    if (!entry) {
      entry = { record: this.stored(record), optimistic: {}, errors: {}, pending: 0, chain: Promise.resolve() };
      this.saves.set(record.id, entry);
    }
    entry.optimistic[f.name] = value;
    delete entry.errors[f.name];
    this.renderRow(record.id, entry);
    entry.pending += 1;
    entry.chain = entry.chain.then(() => this.save(entry, f, value));
  }

  // Of what the page holds of one record (grid data, the answer to a save), the newest version.
  newest(...candidates) {
    let best = null;
    for (const record of [...candidates, candidates[0] && this.saved.get(candidates[0].id)]) {
      if (record && (!best || record.version > best.version)) best = record;
    }
    return best;
  }

  // The record as the server last said, without what the page lays over it.
  stored(record) {
    const entry = this.saves.get(record.id);
    if (entry) return entry.record;
    const { saving, errors, ...rest } = record;
    return rest;
  }

  display(entry) {
    const values = { ...entry.record.values, ...entry.optimistic };
    return { ...entry.record, values, saving: { ...entry.optimistic }, errors: { ...entry.errors } };
  }

  renderRow(id, entry) {
    const node = this.api && this.api.getRowNode(String(id));
    if (!node) return;
    const data = this.display(entry);
    if (Object.keys(data.saving).length === 0) delete data.saving;
    if (Object.keys(data.errors).length === 0) delete data.errors;
    node.setData(data);
  }

  async save(entry, f, value) {
    const id = entry.record.id;
    const before = entry.record;
    let message = null;
    try {
      const saved = await api('PATCH', `/tables/${this.table.id}/records/${id}`,
        { values: { [f.name]: value }, version: entry.record.version });
      entry.record = saved;
      this.saved.set(id, saved);
      if (this.isUsers) this.afterUsersSave(before, saved, f);
    } catch (error) {
      if (error.code === 'stale_version') {
        try {
          entry.record = await api('GET', `/tables/${this.table.id}/records/${id}`);
          this.saved.set(id, entry.record);
        } catch (reload) {
          // keep the old one
        }
        message = 'Someone changed this row meanwhile; it has been reloaded with their values, and your change ' +
          `to ${f.name} was not saved. Make it again if it still applies.`;
      } else {
        message = error.message;
      }
    }
    if (entry.optimistic[f.name] === value) delete entry.optimistic[f.name];
    if (message) entry.errors[f.name] = message;
    this.renderRow(id, entry);
    if (message) {
      this.showCellError(id, f.name, message);
      this.say(`${f.name} not saved: ${message}`);
    } else if (!(this.isUsers && f.name === 'Status')) {
      this.say(`${f.name} saved.`);
    }
    // The error mark stays in the row's data until its next edit; the entry goes once nothing is pending.
    entry.pending -= 1;
    if (entry.pending === 0 && this.saves.get(id) === entry) this.saves.delete(id);
  }

  afterUsersSave(before, saved, f) {
    const result = saved.values['Validation result'];
    if (f.name === 'Status' || result !== before.values['Validation result']) {
      if (typeof result === 'string' && result && !result.startsWith('OK')) {
        this.say(`Validation result: ${result}`);
        this.showCellError(saved.id, 'Validation result', result, 'warning');
      } else if (result && saved.values.Status === 'Active' && before.values.Status !== 'Active') {
        this.say(`${saved.values.Email || 'The person'} is active: the account is created and an invitation mail is sent.`);
      } else {
        this.say(`${f.name} saved.`);
      }
    }
    this.refreshLicenses();
  }

  // A message beside the cell (role=alert), until the next edit or scroll, or its close button.
  showCellError(id, colId, message, kind) {
    this.hideCellError();
    const cell = this.cellElement(id, colId);
    const box = h('div', { class: `cell-message ${kind || 'error'}`, role: 'alert', id: 'cell-message' },
      h('span', null, message),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss', onclick: () => this.hideCellError() }, '×'));
    document.body.append(box);
    const rect = cell ? cell.getBoundingClientRect() : this.gridElement.getBoundingClientRect();
    const width = Math.min(340, window.innerWidth - 16);
    let left = rect.right + 6;
    let top = rect.top;
    if (left + width > window.innerWidth - 8) {
      left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
      top = rect.bottom + 4;
    }
    box.style.left = `${left}px`;
    box.style.top = `${top}px`;
    box.style.maxWidth = `${width}px`;
    this.cellMessage = box;
    clearTimeout(this.cellMessageTimer);
    this.cellMessageTimer = setTimeout(() => this.hideCellError(), 15000);
  }

  hideCellError() {
    clearTimeout(this.cellMessageTimer);
    if (this.cellMessage) this.cellMessage.remove();
    this.cellMessage = null;
  }

  // ------------------------------------------------------------------ rows

  async addRow() {
    try {
      const record = await api('POST', `/tables/${this.table.id}/records`, { values: {} });
      const sorted = this.api.getColumnState().some((c) => c.sort);
      this.showNotice('');
      if (this.search || sorted) {
        this.say(`Row ${record.id} added. It is placed by the current sort and search; clear them to find it at the end.`);
        this.reload(false);
        return;
      }
      const index = this.total ?? 0;
      this.total = index + 1;
      const loaded = this.waitForRow(index);
      this.api.setRowCount(index + 1, true);
      this.api.refreshInfiniteCache();
      this.api.ensureIndexVisible(index, 'bottom');
      await loaded;
      const first = this.table.fields.find((f) => this.cellEditable(record, f));
      this.api.ensureIndexVisible(index, 'bottom');
      if (first) this.api.setFocusedCell(index, first.name);
      this.say(`Row added at the end (row ${(index + 1).toLocaleString('en-US')}). Type to fill its cells.`);
      if (this.isUsers) this.refreshLicenses();
    } catch (error) {
      this.showNotice(error.message);
    }
  }

  async deleteRow(node) {
    const record = node.data;
    const label = this.rowLabel(record, node);
    const ok = await confirmDialog({
      title: 'Delete this row?',
      message: `Delete ${label}? Its history is kept, but the row leaves the table.`,
      confirmLabel: 'Delete row',
      danger: true,
    });
    if (!ok) return;
    try {
      await api('DELETE', `/tables/${this.table.id}/records/${record.id}`);
      this.saves.delete(record.id);
      this.saved.delete(record.id);
      this.showNotice('');
      this.say(`Deleted ${label}.`);
      this.reload(false);
      if (this.isUsers) this.refreshLicenses();
      if (this.historyRecordId === record.id) this.showHistory(record.id);
    } catch (error) {
      let message = error.message;
      if (error.code === 'must_be_inactive' && !/inactive/i.test(message)) {
        message += ' Set its Status to Inactive first, then delete it.';
      }
      this.showNotice(message);
      this.showCellError(record.id, this.isUsers ? 'Status' : this.table.fields[0].name, message);
    }
  }

  // How a person recognises a row in a message: its first filled text, else its position.
  rowLabel(record, node) {
    const preferred = this.isUsers ? ['Email', 'User ID'] : [];
    for (const name of [...preferred, ...this.table.fields.map((f) => f.name)]) {
      const value = record.values[name];
      if (typeof value === 'string' && value.trim()) return `“${value.length > 60 ? value.slice(0, 57) + '…' : value}”`;
    }
    return `row ${node.rowIndex + 1}`;
  }

  // ------------------------------------------------------------------ context menu

  openMenu(node, colId, at) {
    this.closeMenu();
    const record = node.data;
    const external = this.isUsers && isExternal(record);
    const items = [
      { label: 'Show history', action: () => this.showHistory(record.id, node) },
    ];
    if (this.canWrite) {
      items.push({
        label: 'Delete row',
        disabled: external,
        note: external ? 'External users are removed from the workspaces they were invited into.' : null,
        action: () => this.deleteRow(node),
      });
    }
    const buttons = items.map((item) => h('button', { type: 'button', role: 'menuitem', class: 'menu-item',
      disabled: item.disabled, title: item.note || undefined }, item.label));
    const menu = h('div', { class: 'context-menu', role: 'menu', id: 'row-menu', 'aria-label': 'Row actions' },
      buttons, items.some((i) => i.note) ? h('p', { class: 'menu-note' }, items.find((i) => i.note).note) : null);
    document.body.append(menu);
    const rect = menu.getBoundingClientRect();
    menu.style.left = `${Math.min(at.x, window.innerWidth - rect.width - 8)}px`;
    menu.style.top = `${Math.min(at.y, window.innerHeight - rect.height - 8)}px`;
    const enabled = buttons.filter((b) => !b.disabled);
    const close = (refocus) => {
      this.closeMenu();
      if (refocus && colId) this.focusCell(node, colId);
    };
    buttons.forEach((button, i) => button.addEventListener('click', () => {
      close(false);
      items[i].action();
    }));
    menu.addEventListener('keydown', (event) => {
      const at2 = enabled.indexOf(document.activeElement);
      if (event.key === 'Escape' || event.key === 'Tab') {
        event.preventDefault();
        close(true);
      } else if (event.key === 'ArrowDown') {
        event.preventDefault();
        enabled[(at2 + 1) % enabled.length].focus();
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        enabled[(at2 - 1 + enabled.length) % enabled.length].focus();
      }
    });
    const outside = (event) => {
      if (!menu.contains(event.target)) close(false);
    };
    // Armed after the click that opened the menu. A menu closed before then (Shift+F10, Esc at
    // once) must not arm it: left behind, it closed the next menu at the press on its items.
    setTimeout(() => {
      if (this.menu && this.menu.element === menu) document.addEventListener('mousedown', outside, true);
    }, 0);
    this.menu = { element: menu, outside };
    if (enabled[0]) enabled[0].focus();
  }

  closeMenu() {
    if (!this.menu) return;
    document.removeEventListener('mousedown', this.menu.outside, true);
    this.menu.element.remove();
    this.menu = null;
  }

  // ------------------------------------------------------------------ history

  async showHistory(recordId, node) {
    this.historyRecordId = recordId;
    const panel = this.historyPanel;
    const close = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close history' }, '×');
    const title = h('h2', { tabindex: '-1' }, node && node.data ? `History of ${this.rowLabel(node.data, node)}` : 'History');
    panel.hidden = false;
    panel.replaceChildren(h('div', { class: 'panel-head' }, title, close), h('p', { class: 'muted' }, 'Loading…'));
    close.addEventListener('click', () => {
      panel.hidden = true;
      this.historyRecordId = null;
      if (node) this.focusCell(node, this.table.fields[0].name);
    });
    panel.onkeydown = (event) => {
      if (event.key === 'Escape') close.click();
    };
    title.focus();
    let entries;
    try {
      entries = await api('GET', `/tables/${this.table.id}/records/${recordId}/history`);
    } catch (error) {
      panel.replaceChildren(panel.firstChild, h('p', { class: 'form-error', role: 'alert' }, error.message));
      return;
    }
    if (this.historyRecordId !== recordId) return;
    const list = h('ol', { class: 'history', reversed: true });
    for (const entry of [...entries].reverse()) {
      const changes = h('dl', { class: 'changes' });
      for (const [name, pair] of Object.entries(entry.changes || {})) {
        const [was, now] = pair;
        changes.append(h('dt', null, name), h('dd', null,
          h('span', { class: 'before' }, displayValue(was)), h('span', { class: 'arrow', 'aria-label': 'changed to' }, ' → '),
          h('span', { class: 'after' }, displayValue(now))));
      }
      list.append(h('li', null, h('div', { class: 'history-meta' },
        h('time', { datetime: entry.at }, formatTime(entry.at)), ' · ', h('span', { class: 'actor' }, entry.actor || 'unknown')),
      changes));
    }
    panel.replaceChildren(panel.firstChild, h('p', { class: 'muted' }, `Record ${recordId} · ${plural(entries.length, 'change')}, newest first.`),
      entries.length ? list : h('p', null, 'No change recorded yet.'));
  }

  // ------------------------------------------------------------------ columns

  addColumnDialog() {
    const name = h('input', { type: 'text', required: true, maxlength: 200, id: 'column-name' });
    const type = h('select', { id: 'column-type' }, TYPES.map(([value, label]) => h('option', { value }, label)));
    const options = h('textarea', { id: 'column-options', rows: 4 });
    const optionsField = field('Options, one per line', options);
    optionsField.hidden = true;
    type.addEventListener('change', () => {
      optionsField.hidden = type.value !== 'select';
    });
    const error = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Add column');
    const formNode = h('form', { class: 'form' }, field('Column name', name), field('Type', type), optionsField,
      h('div', { class: 'actions' }, submit), error);
    const { close } = openDialog({ title: 'Add a column', content: formNode });
    name.focus();
    formNode.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      if (!name.value.trim()) {
        error.textContent = 'Give the column a name.';
        name.focus();
        return;
      }
      const spec = { name: name.value.trim(), type: type.value };
      if (type.value === 'select') {
        spec.options = options.value.split('\n').map((s) => s.trim()).filter(Boolean);
        if (spec.options.length === 0) {
          error.textContent = 'A select column needs at least one option.';
          options.focus();
          return;
        }
      }
      submit.disabled = true;
      try {
        const answer = await api('POST', `/tables/${this.table.id}/fields`, spec);
        const added = answer.field || answer;
        this.table.fields.push(added);
        this.api.setGridOption('columnDefs', this.columnDefs());
        this.reload(false);
        close();
        this.api.ensureColumnVisible(added.name);
        this.say(`Column ${added.name} added.`);
      } catch (failure) {
        error.textContent = failure.message;
      } finally {
        submit.disabled = false;
      }
    });
  }

  // ------------------------------------------------------------------ import

  importDialog() {
    openImportDialog(this.table, () => {
      this.reload(false);
      if (this.isUsers) this.refreshLicenses();
    });
  }
}
