-- An article's source as readers may see it: a URL as it is, a file by its base name. Stores written before this
-- kept the path of the file that was read, which the article page, the API and the CSV export showed: the folders
-- of the server, or an upload's temporary folder. Ingest now stores the base name (engine.store); this rewrites
-- what was stored before (the text up to the last "/" dropped: rtrim() with every character but "/" keeps the
-- folder part, whose length is cut). The stored annotations and story reports keep what they held.
UPDATE articles SET source = substr(source, length(rtrim(source, replace(source, '/', ''))) + 1)
WHERE source NOT LIKE '%://%' AND instr(source, '/') > 0;
