// A recognised table as a grid of editable cells (rowspan/colspan kept).
import { useI18n } from "@/lib/i18n";

import type { Selection, Table } from "../types";
import { EditableText } from "./editable-text";

type Props = {
  table: Table;
  selection: Selection;
  editing: Selection;
  onSelect: (selection: Selection) => void;
  onEditingChange: (editing: Selection) => void;
  onSave: (cellId: number, text: string | null) => Promise<unknown>;
};

export function TableGrid({ table, selection, editing, onSelect, onEditingChange, onSave }: Props) {
  const { t } = useI18n();
  const rows = new Map<number, Table["cells"]>();
  for (const cell of table.cells) rows.set(cell.row, [...(rows.get(cell.row) ?? []), cell]);
  const rowNumbers = [...rows.keys()].sort((a, b) => a - b);

  return (
    <table className="table-grid" aria-label={t("review.table")}>
      <tbody>
        {rowNumbers.map((row) => (
          <tr key={row}>
            {rows
              .get(row)!
              .sort((a, b) => a.col - b.col)
              .map((cell) => {
                const selected = selection?.kind === "cell" && selection.id === cell.id;
                const isEditing = editing?.kind === "cell" && editing.id === cell.id;
                return (
                  <td
                    key={cell.id}
                    rowSpan={cell.rowspan}
                    colSpan={cell.colspan}
                    data-sel={`cell-${cell.id}`}
                    className={selected ? "is-selected" : undefined}
                    onClick={() => onSelect({ kind: "cell", id: cell.id })}
                    onDoubleClick={() => onEditingChange({ kind: "cell", id: cell.id })}
                  >
                    <EditableText
                      original={cell.text ?? ""}
                      corrected={cell.corrected_text ?? null}
                      editing={isEditing}
                      onEditingChange={(on) => onEditingChange(on ? { kind: "cell", id: cell.id } : null)}
                      onSave={(text) => onSave(cell.id, text)}
                      label={t("review.edit")}
                    />
                  </td>
                );
              })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
