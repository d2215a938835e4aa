CREATE DATABASE portal_chongqing OWNER portal;
