// Every domain's job definitions, imported once so startJobs() knows them.
export {};
