import { Navigate, createBrowserRouter } from "react-router";

import { AppLayout } from "./layout";
import { DocumentsRoute } from "./routes/documents";
import { NotFoundRoute } from "./routes/not-found";
import { ReviewRoute } from "./routes/review";
import { UploadRoute } from "./routes/upload";

export const routes = [
  {
    element: <AppLayout />,
    children: [
      { index: true, element: <Navigate to="/documents" replace /> },
      { path: "documents", element: <DocumentsRoute /> },
      { path: "documents/:id", element: <ReviewRoute /> },
      { path: "upload", element: <UploadRoute /> },
      { path: "*", element: <NotFoundRoute /> },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
