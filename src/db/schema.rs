//! The database schema, versioned: each migration runs once, in its own transaction, and
//! `crossings_schema` records which have run. A database made by a newer Crossings is
//! refused rather than half understood.
//!
//! Every record keeps its whole text (`record`, JSON with its fields in the order written, so
//! a pull gives the folder back byte for byte) beside typed columns for other tools: a
//! PostGIS point for places, the EDTF text with `earliest` and `latest` DATE columns for
//! events (open ends are NULL), names and titles, and link tables. Crossings writes the typed
//! columns from the record on every write. Triggers keep `version`, `updated_at` and
//! `updated_by` on every row (whoever writes it, Crossings or QGIS), write the audit table,
//! and NOTIFY `crossings` once per transaction so open clients follow.

/// The migrations, in order: (version, what it does, SQL).
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (1, "places, events, people, sources, links and audit", V1),
    (2, "edits of the typed columns in other tools (QGIS) go into the record; lighter triggers for a push", V2),
];

/// The newest schema version this build knows.
pub fn latest() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// The tables of records: (table, the dataset file it holds), in the order of
/// [`crate::dataset::FILES`].
pub const TABLES: [(&str, &str); 4] =
    [("sources", "sources.json"), ("places", "places.geojson"), ("people", "people.json"), ("events", "events.json")];

const V1: &str = r#"
CREATE EXTENSION IF NOT EXISTS postgis;

-- Members of places.geojson other than its features (a FeatureCollection's name, crs, ...),
-- as compact JSON in the order written, with "features" standing where the features go.
CREATE TABLE crossings_collection (
    file text PRIMARY KEY,
    members text NOT NULL
);

CREATE TABLE places (
    id text COLLATE "C" PRIMARY KEY,
    name text,
    country text,
    precision text,
    category text,
    geom geometry(Point, 4326),
    record json NOT NULL,
    version bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT session_user
);
CREATE INDEX places_geom_idx ON places USING gist (geom);

CREATE TABLE events (
    id text COLLATE "C" PRIMARY KEY,
    place_id text COLLATE "C",
    date text,
    earliest date,
    latest date,
    title text,
    theme text,
    record json NOT NULL,
    version bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT session_user
);
CREATE INDEX events_place_idx ON events (place_id);
CREATE INDEX events_dates_idx ON events (earliest, latest);

CREATE TABLE people (
    id text COLLATE "C" PRIMARY KEY,
    name text,
    record json NOT NULL,
    version bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT session_user
);

CREATE TABLE sources (
    id text COLLATE "C" PRIMARY KEY,
    title text,
    record json NOT NULL,
    version bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT session_user
);

-- Links, derived from the records (no foreign keys: a draft may name what does not exist yet).
CREATE TABLE event_people (event_id text COLLATE "C" NOT NULL, position int NOT NULL, person_id text COLLATE "C" NOT NULL, PRIMARY KEY (event_id, position));
CREATE INDEX event_people_person_idx ON event_people (person_id);
CREATE TABLE event_sources (event_id text COLLATE "C" NOT NULL, position int NOT NULL, source_id text COLLATE "C" NOT NULL, PRIMARY KEY (event_id, position));
CREATE INDEX event_sources_source_idx ON event_sources (source_id);
CREATE TABLE place_sources (place_id text COLLATE "C" NOT NULL, position int NOT NULL, source_id text COLLATE "C" NOT NULL, PRIMARY KEY (place_id, position));
CREATE TABLE person_sources (person_id text COLLATE "C" NOT NULL, position int NOT NULL, source_id text COLLATE "C" NOT NULL, PRIMARY KEY (person_id, position));
CREATE TABLE person_places (person_id text COLLATE "C" NOT NULL, position int NOT NULL, place_id text COLLATE "C" NOT NULL, basis text, PRIMARY KEY (person_id, position));
CREATE INDEX person_places_place_idx ON person_places (place_id);

-- Every change to a record: who, when, the record before and after. `txid` lets a client
-- find every change committed since it last looked, whatever order transactions commit in.
CREATE TABLE audit (
    id bigserial PRIMARY KEY,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at timestamptz NOT NULL DEFAULT now(),
    who text NOT NULL DEFAULT session_user,
    table_name text NOT NULL,
    record_id text,
    operation text NOT NULL,
    before json,
    after json,
    note text
);
CREATE INDEX audit_txid_idx ON audit (txid);

CREATE FUNCTION crossings_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
    ELSE
        NEW.version := 1;
    END IF;
    NEW.updated_at := now();
    NEW.updated_by := session_user;
    RETURN NEW;
END $$;

-- SECURITY DEFINER: editors write the audit through this trigger only, and cannot change it.
CREATE FUNCTION crossings_audit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
    -- A push writes one summary row instead of one per record.
    IF coalesce(current_setting('crossings.bulk', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO public.audit (who, table_name, record_id, operation, before, after)
    VALUES (
        session_user,
        TG_TABLE_NAME,
        CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END,
        TG_OP,
        CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.record END,
        CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.record END
    );
    RETURN NULL;
END $$;

CREATE FUNCTION crossings_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One notification per transaction and table (PostgreSQL folds equal payloads).
    PERFORM pg_notify('crossings', TG_TABLE_NAME);
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['places', 'events', 'people', 'sources'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION crossings_stamp()', t || '_stamp', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION crossings_audit()', t || '_audit', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION crossings_notify()', t || '_notify', t);
    END LOOP;
END $$;
"#;

const V2: &str = r#"
-- `doc` with the member at `path` set to `val` (added at the end when missing); every other
-- member stays where it was written, so a record edited in another tool keeps its order.
CREATE FUNCTION crossings_set(doc json, path text[], val json) RETURNS json
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    inner_val json := val;
    out json;
BEGIN
    IF json_typeof(doc) IS DISTINCT FROM 'object' OR cardinality(path) = 0 THEN
        RETURN doc;
    END IF;
    IF cardinality(path) > 1 THEN
        inner_val := crossings_set(coalesce(doc -> path[1], '{}'::json), path[2:], val);
    END IF;
    SELECT json_object_agg(k, v ORDER BY n) INTO out FROM (
        SELECT e.key AS k, CASE WHEN e.key = path[1] THEN inner_val ELSE e.value END AS v, e.n
        FROM json_each(doc) WITH ORDINALITY AS e(key, value, n)
        UNION ALL
        SELECT path[1], inner_val, 9223372036854775807 WHERE NOT (doc::jsonb ? path[1])
    ) m;
    RETURN out;
END $$;

-- Another tool (QGIS, psql) changed a typed column and not the record: the change is put into
-- the record, which is what Crossings reads (a point moved in QGIS moves in Crossings). The
-- dates are derived from the record's EDTF date and bounds, which SQL cannot read: changing
-- them alone is refused with a message, rather than left to disagree with the record. A place
-- added without a record gets one made from its columns.
CREATE FUNCTION crossings_columns_into_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF TG_TABLE_NAME <> 'places' THEN
            RAISE EXCEPTION 'a % row needs its record (the JSON Crossings reads): add it in Crossings', TG_TABLE_NAME
                USING HINT = 'Places can be added with their columns alone; events, people and sources are added in Crossings.';
        END IF;
        NEW.record := json_build_object(
            'type', 'Feature', 'id', NEW.id,
            'geometry', CASE WHEN NEW.geom IS NULL THEN NULL ELSE
                json_build_object('type', 'Point', 'coordinates', json_build_array(ST_X(NEW.geom), ST_Y(NEW.geom))) END,
            'properties', json_strip_nulls(json_build_object('name', NEW.name, 'country', NEW.country,
                'precision', NEW.precision, 'category', NEW.category)));
        RETURN NEW;
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'the id of % record % cannot change (other records name it): change it in Crossings', TG_TABLE_NAME, OLD.id;
    END IF;
    IF TG_TABLE_NAME = 'places' THEN
        IF NEW.geom IS DISTINCT FROM OLD.geom THEN
            NEW.record := crossings_set(NEW.record, ARRAY['geometry'], CASE WHEN NEW.geom IS NULL THEN NULL ELSE
                json_build_object('type', 'Point', 'coordinates', json_build_array(ST_X(NEW.geom), ST_Y(NEW.geom))) END);
        END IF;
        IF NEW.name IS DISTINCT FROM OLD.name THEN
            NEW.record := crossings_set(NEW.record, ARRAY['properties', 'name'], to_json(NEW.name));
        END IF;
        IF NEW.country IS DISTINCT FROM OLD.country THEN
            NEW.record := crossings_set(NEW.record, ARRAY['properties', 'country'], to_json(NEW.country));
        END IF;
        IF NEW.precision IS DISTINCT FROM OLD.precision THEN
            NEW.record := crossings_set(NEW.record, ARRAY['properties', 'precision'], to_json(NEW.precision));
        END IF;
        IF NEW.category IS DISTINCT FROM OLD.category THEN
            NEW.record := crossings_set(NEW.record, ARRAY['properties', 'category'], to_json(NEW.category));
        END IF;
    ELSIF TG_TABLE_NAME = 'events' THEN
        IF (NEW.date, NEW.earliest, NEW.latest) IS DISTINCT FROM (OLD.date, OLD.earliest, OLD.latest) THEN
            RAISE EXCEPTION 'the date of event % is changed in Crossings: date is EDTF, and earliest and latest follow from it and the bounds', OLD.id;
        END IF;
        IF NEW.place_id IS DISTINCT FROM OLD.place_id THEN
            NEW.record := crossings_set(NEW.record, ARRAY['place'], to_json(NEW.place_id));
        END IF;
        IF NEW.title IS DISTINCT FROM OLD.title THEN
            NEW.record := crossings_set(NEW.record, ARRAY['title'], to_json(NEW.title));
        END IF;
        IF NEW.theme IS DISTINCT FROM OLD.theme THEN
            NEW.record := crossings_set(NEW.record, ARRAY['category'], to_json(NEW.theme));
        END IF;
    ELSIF TG_TABLE_NAME = 'people' THEN
        IF NEW.name IS DISTINCT FROM OLD.name THEN
            NEW.record := crossings_set(NEW.record, ARRAY['name'], to_json(NEW.name));
        END IF;
    ELSIF TG_TABLE_NAME = 'sources' THEN
        IF NEW.title IS DISTINCT FROM OLD.title THEN
            NEW.record := crossings_set(NEW.record, ARRAY['title'], to_json(NEW.title));
        END IF;
    END IF;
    RETURN NEW;
END $$;

-- Lighter triggers for a push's million rows: on an insert the stamp runs only when it has
-- something to correct (the columns' defaults are the stamp), and the audit only outside a
-- push, both decided in the trigger's WHEN without calling a function per row.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['places', 'events', 'people', 'sources'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_stamp', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_audit', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION crossings_stamp()', t || '_stamp', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW WHEN (NEW.version <> 1 OR NEW.updated_by <> session_user OR NEW.updated_at <> now()) EXECUTE FUNCTION crossings_stamp()', t || '_stamp_insert', t);
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW WHEN (coalesce(current_setting(%L, true), %L) <> %L) EXECUTE FUNCTION crossings_audit()', t || '_audit', t, 'crossings.bulk', '', 'on');
        -- Named to run before the stamp (BEFORE triggers run in the order of their names).
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW WHEN (NEW.record::text = OLD.record::text) EXECUTE FUNCTION crossings_columns_into_record()', t || '_columns', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW WHEN (NEW.record IS NULL) EXECUTE FUNCTION crossings_columns_into_record()', t || '_columns_insert', t);
    END LOOP;
END $$;
"#;

#[cfg(test)]
mod tests {
    #[test]
    fn the_tables_are_in_the_order_of_the_files() {
        assert_eq!(super::TABLES.map(|t| t.1), crate::dataset::FILES);
    }
}
