import { Fragment, type Key, type ReactNode } from 'react';
import { t } from '../i18n/i18n';
import { type ApiLoaded, ShowApi, TableWrap } from './ui';

/*
 * The lists of the settings screens (and any screen that lists records): loaded items with their
 * loading, error and empty states, shown as a table with labelled columns or as a list of cards.
 */

/** The loading line or the error with a retry (ShowApi), `empty` ("None.") when there are no items, else `children(items, data)`. */
export function ShowList<D, T>({
  loaded,
  retry,
  items,
  empty,
  children,
}: {
  loaded: ApiLoaded<D>;
  retry: () => void;
  /** the items in the loaded answer */
  items: (data: D) => T[];
  empty?: string;
  children: (items: T[], data: D) => ReactNode;
}) {
  return (
    <ShowApi loaded={loaded} retry={retry}>
      {(data) => {
        const list = items(data);
        return list.length === 0 ? <p className="muted">{empty ?? t('common.none')}</p> : children(list, data);
      }}
    </ShowApi>
  );
}

/** A column of an ItemTable: its header's text and what its cell shows for an item. */
export interface Column<T> {
  label: string;
  cell: (item: T) => ReactNode;
}

/**
 * A table of items in a scrollable box: a header cell (scope col) per column and a row per item.
 * With `actions`, a last column, headed "Actions" for screen readers only, holds each row's
 * buttons; with `detail`, an item may have a full-width row under its own (an opened log, say).
 */
export function ItemTable<T>({
  items,
  rowKey,
  columns,
  actions,
  detail,
  caption,
}: {
  items: T[];
  rowKey: (item: T) => Key;
  columns: Array<Column<T>>;
  actions?: (item: T) => ReactNode;
  detail?: (item: T) => ReactNode;
  /** a caption for screen readers (a table without a heading of its own) */
  caption?: string;
}) {
  const width = columns.length + (actions ? 1 : 0);
  return (
    <TableWrap>
      <table>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col">
                {c.label}
              </th>
            ))}
            {actions && (
              <th scope="col">
                <span className="sr-only">{t('common.actions')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {items.map((item) => {
            const more = detail?.(item);
            return (
              <Fragment key={rowKey(item)}>
                <tr>
                  {columns.map((c) => (
                    <td key={c.label}>{c.cell(item)}</td>
                  ))}
                  {actions && (
                    <td>
                      <div className="button-row">{actions(item)}</div>
                    </td>
                  )}
                </tr>
                {more ? (
                  <tr>
                    <td colSpan={width}>{more}</td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** Items as cards of a plain list, each card showing `children(item)`. */
export function CardList<T>({ items, itemKey, children }: { items: T[]; itemKey: (item: T) => Key; children: (item: T) => ReactNode }) {
  return (
    <ul className="plain">
      {items.map((item) => (
        <li key={itemKey(item)} className="card">
          {children(item)}
        </li>
      ))}
    </ul>
  );
}
