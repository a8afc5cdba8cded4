/** A project as the core knows it; the project loader (src/project) fills in layers and metadata. */
export interface Project {
  /** Absolute path of the project file. */
  readonly fileName: string;
  readonly title?: string;
}

/** Turns a project file path into a Project; replaced by the YAML project loader. */
export type ProjectLoader = (fileName: string) => Promise<Project>;
