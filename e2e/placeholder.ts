// Gives `tsc -p e2e` an input until the first browser test lands (TS18003 otherwise); delete it then.
export {};
