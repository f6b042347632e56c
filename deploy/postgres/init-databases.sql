-- One database per service (run once by the postgres image on an empty volume).
CREATE DATABASE registry;
CREATE DATABASE pairing;
CREATE DATABASE surveys;
CREATE DATABASE reports;
CREATE DATABASE notifications;
CREATE DATABASE practices;
