// The part of targaryen@3.1.0's API that the differential test uses (the package ships no types).
declare module "targaryen" {
  export interface TargaryenResult {
    readonly allowed: boolean;
    readonly info: string;
  }
  export interface TargaryenQuery {
    orderByKey?: true;
    orderByValue?: true;
    orderByPriority?: true;
    orderByChild?: string;
    startAt?: string | number | boolean | null;
    endAt?: string | number | boolean | null;
    equalTo?: string | number | boolean | null;
    limitToFirst?: number;
    limitToLast?: number;
  }
  export interface TargaryenDatabase {
    as(auth: unknown): TargaryenDatabase;
    read(path: string, options: { now: number; query?: TargaryenQuery }): TargaryenResult;
    write(path: string, value: unknown, options: { now: number }): TargaryenResult;
    update(path: string, patch: Record<string, unknown>, options: { now: number }): TargaryenResult;
  }
  const targaryen: {
    database: (rules: unknown, data: unknown, now?: number) => TargaryenDatabase;
  };
  export default targaryen;
}

declare module "targaryen/lib/parser/string-methods.js" {
  const stringMethods: {
    // A property, not a method: the differential test swaps it for a correct one and back.
    endsWith: (str: string, substr: unknown) => boolean;
  };
  export default stringMethods;
}
