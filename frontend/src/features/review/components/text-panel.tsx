// The page's text in reading order: blocks (by layout) holding their lines, tables as grids.
import { useEffect, useRef } from "react";

import { EmptyState } from "@/components/empty-state";
import { useI18n } from "@/lib/i18n";

import type { Block, Line, PageDetail, Selection, Table } from "../types";
import { blockColour } from "../utils/geometry";
import { blockLabel } from "../utils/labels";
import { type ReadingOrder, isLow } from "../utils/reading-order";
import { EditableText } from "./editable-text";
import { TableGrid } from "./table-grid";

export type Savers = {
  line: (id: number, text: string | null) => Promise<unknown>;
  block: (id: number, text: string | null) => Promise<unknown>;
  cell: (id: number, text: string | null) => Promise<unknown>;
};

type Props = {
  page: PageDetail;
  order: ReadingOrder;
  selection: Selection;
  editing: Selection;
  threshold: number;
  onSelect: (selection: Selection) => void;
  onEditingChange: (editing: Selection) => void;
  save: Savers;
};

export function TextPanel({
  page,
  order,
  selection,
  editing,
  threshold,
  onSelect,
  onEditingChange,
  save,
}: Props) {
  const { t } = useI18n();
  const panel = useRef<HTMLDivElement>(null);
  const { blocks, byBlock, loose } = order;

  // Keep the selected item in sight when it was chosen on the image or by a key.
  useEffect(() => {
    if (!selection) return;
    const el = panel.current?.querySelector(`[data-sel="${selection.kind}-${selection.id}"]`);
    el?.scrollIntoView?.({ block: "nearest" });
  }, [selection]);

  if (!blocks.length && !page.lines.length && !page.tables.length) {
    return <EmptyState>{t("review.noText")}</EmptyState>;
  }

  const renderLine = (line: Line) => {
    const low = isLow(line, threshold);
    const selected = selection?.kind === "line" && selection.id === line.id;
    const isEditing = editing?.kind === "line" && editing.id === line.id;
    return (
      <li
        key={line.id}
        data-sel={`line-${line.id}`}
        className={`text-line${low ? " is-low" : ""}${selected ? " is-selected" : ""}`}
        title={t("review.confidence", { score: Math.round(line.score * 100) })}
        onClick={() => onSelect({ kind: "line", id: line.id })}
        onDoubleClick={() => onEditingChange({ kind: "line", id: line.id })}
      >
        <EditableText
          original={line.text}
          corrected={line.corrected_text ?? null}
          editing={isEditing}
          onEditingChange={(on) => onEditingChange(on ? { kind: "line", id: line.id } : null)}
          onSave={(text) => save.line(line.id, text)}
          label={t("review.edit")}
        />
      </li>
    );
  };

  const renderTable = (table: Table) => (
    <TableGrid
      table={table}
      selection={selection}
      editing={editing}
      onSelect={onSelect}
      onEditingChange={onEditingChange}
      onSave={save.cell}
    />
  );

  const renderBlock = (block: Block) => {
    const table = page.tables.find((tb) => tb.block_id === block.id);
    const selected = selection?.kind === "block" && selection.id === block.id;
    const isEditing = editing?.kind === "block" && editing.id === block.id;
    const blockLines = byBlock.get(block.id) ?? [];
    // A block shows its own text when it was corrected as a whole, or has no lines of its own.
    const showContent = isEditing || block.corrected_content != null || (!blockLines.length && !table);
    return (
      <section
        key={block.id}
        data-sel={`block-${block.id}`}
        className={`text-block${selected ? " is-selected" : ""}`}
        style={{ borderLeftColor: blockColour(block.label) }}
      >
        <header onClick={() => onSelect({ kind: "block", id: block.id })}>
          <span className="block-label" style={{ color: blockColour(block.label) }}>
            {blockLabel(t, block.label)}
          </span>
          {!isEditing && (
            <button
              type="button"
              className="link"
              onClick={(e) => {
                e.stopPropagation();
                onEditingChange({ kind: "block", id: block.id });
              }}
            >
              {t("review.edit")}
            </button>
          )}
        </header>
        {showContent && (
          <div
            className="block-content"
            onDoubleClick={() => onEditingChange({ kind: "block", id: block.id })}
          >
            <EditableText
              original={block.content ?? ""}
              corrected={block.corrected_content ?? null}
              editing={isEditing}
              onEditingChange={(on) => onEditingChange(on ? { kind: "block", id: block.id } : null)}
              onSave={(text) => save.block(block.id, text)}
              multiline
              label={blockLabel(t, block.label)}
            />
          </div>
        )}
        {table && renderTable(table)}
        {blockLines.length > 0 && !table && <ol className="text-lines">{blockLines.map(renderLine)}</ol>}
        {blockLines.length > 0 && table && (
          <details open={blockLines.some((l) => selection?.kind === "line" && l.id === selection.id)}>
            <summary>{t("review.showLines")}</summary>
            <ol className="text-lines">{blockLines.map(renderLine)}</ol>
          </details>
        )}
      </section>
    );
  };

  return (
    <div className="text-panel" ref={panel} aria-label={t("review.text")}>
      {blocks.map(renderBlock)}
      {page.tables
        .filter((table) => table.block_id === null)
        .map((table) => (
          <section key={`t${table.id}`} className="text-block">
            <header>
              <span className="block-label">{t("review.table")}</span>
            </header>
            {renderTable(table)}
          </section>
        ))}
      {loose.length > 0 && <ol className="text-lines">{loose.map(renderLine)}</ol>}
    </div>
  );
}
