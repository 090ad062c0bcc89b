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
pub const MIGRATIONS: &[(i32, &str, &str)] = &[(1, "places, events, people, sources, links and audit", V1)];

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

#[cfg(test)]
mod tests {
    #[test]
    fn the_tables_are_in_the_order_of_the_files() {
        assert_eq!(super::TABLES.map(|t| t.1), crate::dataset::FILES);
    }
}
