// Files waiting, uploading (two at a time), uploaded or rejected: each with its own progress.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import { errorMessage } from "@/lib/api-error";

import { type UploadHandle, type UploadSettings, uploadFile } from "../api/upload-file";

export type UploadItem = {
  key: number;
  file: File;
  state: "waiting" | "uploading" | "done" | "rejected" | "failed";
  progress: number;
  message?: string; // why the server refused it
  documentId?: number;
};

const PARALLEL = 2;

export function useUploadQueue(settings: UploadSettings) {
  const queryClient = useQueryClient();
  const [items, setItems] = useState<UploadItem[]>([]);
  const nextKey = useRef(1);
  const running = useRef(new Map<number, UploadHandle>());
  const settingsRef = useRef(settings);
  settingsRef.current = settings;

  const update = (key: number, change: Partial<UploadItem>) =>
    setItems((all) => all.map((item) => (item.key === key ? { ...item, ...change } : item)));

  const add = useCallback((files: Iterable<File>) => {
    const added = [...files].map<UploadItem>((file) => ({
      key: nextKey.current++,
      file,
      state: "waiting",
      progress: 0,
    }));
    setItems((all) => [...all, ...added]);
  }, []);

  // Start waiting files while fewer than PARALLEL are on the wire.
  useEffect(() => {
    const free = PARALLEL - running.current.size;
    const waiting = items.filter((i) => i.state === "waiting" && !running.current.has(i.key));
    for (const item of waiting.slice(0, Math.max(0, free))) {
      const handle = uploadFile(item.file, settingsRef.current, (fraction) =>
        update(item.key, { progress: fraction }),
      );
      running.current.set(item.key, handle);
      update(item.key, { state: "uploading" });
      // The slot is freed before the state changes, so the next render can start another file.
      handle.done.then(
        (doc) => {
          running.current.delete(item.key);
          update(item.key, { state: "done", progress: 1, documentId: doc.id });
          void queryClient.invalidateQueries({ queryKey: ["documents"] });
        },
        (error: unknown) => {
          running.current.delete(item.key);
          if (error instanceof DOMException && error.name === "AbortError") return;
          // Refused by the server, with its reason; or never answered (the network).
          if (error instanceof TypeError) update(item.key, { state: "failed" });
          else update(item.key, { state: "rejected", message: errorMessage(error) });
        },
      );
    }
  }, [items, queryClient]);

  // Leaving the screen stops uploads still on the wire.
  useEffect(() => {
    const handles = running.current;
    return () => handles.forEach((handle) => handle.abort());
  }, []);

  const remove = (key: number) => {
    running.current.get(key)?.abort();
    setItems((all) => all.filter((item) => item.key !== key));
  };
  const clearFinished = () =>
    setItems((all) => all.filter((i) => i.state === "waiting" || i.state === "uploading"));

  return { items, add, remove, clearFinished };
}
