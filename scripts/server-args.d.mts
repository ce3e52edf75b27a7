/** Node arguments that start a production-mode Parley server (see server-args.mjs). */
export const SERVER_ARGS: string[];
